/* Counts one view of the article page: a POST beacon to the address the page names
   (data-view-beacon, /api/luot-xem/<id>/).

   Pages are served whole from a cache without running any server code, so the count
   cannot happen on the server's side of the page request. The beacon carries nothing
   but the article's id (in its address) and sets no cookie. A prerendered page (the
   browser guessing the next click) counts only once the reader actually shows it. */
;(() => {
  function send(url) {
    if (navigator.sendBeacon && navigator.sendBeacon(url)) return
    fetch(url, { method: "POST", keepalive: true, credentials: "omit" }).catch(() => {})
  }

  function start() {
    const article = document.querySelector("[data-view-beacon]")
    if (!article) return
    const url = article.dataset.viewBeacon
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", () => send(url), { once: true })
    } else {
      send(url)
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
