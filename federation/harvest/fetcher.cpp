// placeholder: implemented by the harvest transport work
