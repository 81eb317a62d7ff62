// Loading the prebuilt libraries (MapLibre GL JS, CesiumJS) shipped in {base}/ui/vendor/, once.
const loaded = new Map();

export function loadScript(url) {
  if (!loaded.has(url)) {
    loaded.set(url, new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.append(script);
    }));
  }
  return loaded.get(url);
}

export function loadStyle(url) {
  if (!loaded.has(url)) {
    loaded.set(url, new Promise((resolve) => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = url;
      link.onload = () => resolve();
      link.onerror = () => resolve();
      // Before the app's own style sheet, so that the app can override the library's rules.
      const app = document.querySelector('link[href$="/ui/app.css"]');
      if (app) app.before(link); else document.head.append(link);
    }));
  }
  return loaded.get(url);
}

export function hasWebgl() {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') || canvas.getContext('webgl'));
  } catch {
    return false;
  }
}
