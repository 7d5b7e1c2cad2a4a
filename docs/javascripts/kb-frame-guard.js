/* Frame guard: a page of this site is not usable inside another site's frame (clickjacking).
   GitHub Pages sends no X-Frame-Options or Content-Security-Policy header, and a policy in a
   <meta> tag cannot carry frame-ancestors (browsers ignore it there), so the page guards itself.
   Loaded in <head> before the body exists, as a file (the pages' policy runs no unlisted inline
   script). Framed: mark <html> kb-framed (kb-frame-guard.css hides it) and try to become the top
   window; the browser or the framer's sandbox may refuse that, and the page stays hidden.
   Top window: mark it kb-top, which the editor (html.kb-top-only) waits for before it shows. */
(function () {
  var root = document.documentElement;
  var framed;
  try {
    framed = window.top !== window.self;
  } catch (error) {
    framed = true;
  }
  if (!framed) {
    root.classList.add("kb-top");
    return;
  }
  root.classList.add("kb-framed");
  try {
    window.top.location.replace(window.self.location.href);
  } catch (error) {
    /* Refused: stay hidden. */
  }
})();
