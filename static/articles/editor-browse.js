// CKEditor 4's "browse server" window: a click on a photo hands its address to the
// editor that opened the window (filebrowser protocol), then closes the window.
;(() => {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-photo-url]")
    if (!link) return
    const funcNum = document.body.dataset.funcNum || ""
    const editor = window.opener && window.opener.CKEDITOR
    if (!/^[0-9]+$/.test(funcNum) || !editor) return // opened on its own: just follow the link
    event.preventDefault()
    editor.tools.callFunction(Number(funcNum), link.dataset.photoUrl)
    window.close()
  })
})()
