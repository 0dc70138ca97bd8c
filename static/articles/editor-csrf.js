/* Send Django's CSRF token with every CKEditor upload (the upload view is CSRF-protected). */
;(() => {
  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]")
    if (field) return field.value
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
    return match ? decodeURIComponent(match[1]) : ""
  }

  function addHeader(editor) {
    editor.on("fileUploadRequest", (upload) => {
      upload.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", csrfToken())
    })
  }

  function attach() {
    if (!window.CKEDITOR) {
      setTimeout(attach, 50)
      return
    }
    // Django's media merge may load this before ckeditor.js, so an editor can already
    // exist by the time CKEDITOR is seen here: cover those as well as later ones.
    Object.values(window.CKEDITOR.instances).forEach(addHeader)
    window.CKEDITOR.on("instanceCreated", (event) => addHeader(event.editor))
  }
  attach()
})()
