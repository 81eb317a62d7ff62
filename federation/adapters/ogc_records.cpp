// placeholder: implemented by the OGC API – Records adapter work
