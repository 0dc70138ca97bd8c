// CKEditor 4's "browse server" window: a click on a photo hands its address to the
// editor that opened the window (filebrowser protocol), together with a function the
// editor runs in the image dialog to fill in the photo's caption, credit and alt text
// (static/articles/ckeditor-photo/plugin.js), then closes the window.
;(() => {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-photo-url]")
    if (!link) return
    const funcNum = document.body.dataset.funcNum || ""
    const editor = window.opener && window.opener.CKEDITOR
    if (!/^[0-9]+$/.test(funcNum) || !editor) return // opened on its own: just follow the link
    event.preventDefault()
    const photo = {
      id: Number(link.dataset.photoId),
      url: link.dataset.photoUrl,
      caption: link.dataset.caption || "",
      credit: link.dataset.credit || "",
      alt: link.dataset.alt || "",
      canEdit: link.dataset.canEdit === "1",
    }
    editor.tools.callFunction(Number(funcNum), photo.url, function () {
      // `this` is the dialog's "browse" button; the plugin keeps the photo for the
      // dialog (a plain copy: this window closes right after).
      const dialog = this.getDialog && this.getDialog()
      if (dialog && dialog.newsroomPhoto) dialog.newsroomPhoto.picked(JSON.parse(JSON.stringify(photo)))
    })
    window.close()
  })
})()
