/* The article page's tools: copy the link, the system share sheet, print.

   The buttons are in the page `hidden`; each is shown only when the browser can do
   what it offers (no JavaScript: only the Facebook and Zalo links remain). No inline
   script, no third-party code: Content-Security-Policy can forbid both. */
;(() => {
  function say(status, text) {
    if (!status) return
    status.textContent = ""
    // A fresh text node each time, so screen readers announce a repeated message too.
    window.setTimeout(() => { status.textContent = text }, 50)
  }

  function start() {
    const status = document.querySelector(".article-tools .tool-status")

    const copy = document.querySelector("[data-copy-link]")
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false
      copy.addEventListener("click", () => {
        navigator.clipboard.writeText(copy.dataset.copyLink).then(
          () => say(status, "Đã sao chép liên kết bài viết."),
          () => say(status, "Không sao chép được: hãy chép địa chỉ trên thanh địa chỉ."),
        )
      })
    }

    const share = document.querySelector("[data-share-url]")
    if (share && typeof navigator.share === "function") {
      share.hidden = false
      share.addEventListener("click", () => {
        navigator.share({ title: share.dataset.shareTitle, url: share.dataset.shareUrl })
          .catch(() => {}) // the reader closed the sheet
      })
    }

    const print = document.querySelector("[data-print]")
    if (print && typeof window.print === "function") {
      print.hidden = false
      print.addEventListener("click", () => window.print())
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
