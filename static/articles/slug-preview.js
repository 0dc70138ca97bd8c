/* Show, next to the slug field, the slug the server will save (Vietnamese-aware). */
;(() => {
  function setup(slugInput) {
    const source = document.getElementById(slugInput.dataset.slugSource)
    if (!source) return
    const note = document.createElement("div")
    note.className = "help slug-preview"
    note.setAttribute("aria-live", "polite")
    slugInput.insertAdjacentElement("afterend", note)
    let timer = null
    let latest = 0

    async function refresh() {
      const request = ++latest
      const text = slugInput.value.trim() || source.value
      const url = `${slugInput.dataset.slugPreviewUrl}?text=${encodeURIComponent(text)}`
      // Not following redirects: a lost session answers with the login page, not JSON.
      const response = await fetch(url, { credentials: "same-origin", redirect: "manual" })
        .catch(() => null)
      if (!response || !response.ok || request !== latest) return // newer keystroke wins
      const data = await response.json()
      if (request !== latest) return
      note.textContent = data.slug
        ? `Đường dẫn sẽ lưu: ${data.slug}`
        : "Chưa có đường dẫn (nhập tiêu đề)."
      note.dataset.slug = data.slug
    }

    function schedule() {
      clearTimeout(timer)
      timer = setTimeout(refresh, 250)
    }
    source.addEventListener("input", schedule)
    slugInput.addEventListener("input", schedule)
    refresh()
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-slug-preview-url]").forEach(setup)
  })
})()
