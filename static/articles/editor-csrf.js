/* Send Django's CSRF token with every CKEditor upload (the upload view is CSRF-protected). */
;(() => {
  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]")
    if (field) return field.value
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
    return match ? decodeURIComponent(match[1]) : ""
  }

  function attach() {
    if (!window.CKEDITOR) {
      setTimeout(attach, 50)
      return
    }
    window.CKEDITOR.on("instanceCreated", (event) => {
      event.editor.on("fileUploadRequest", (upload) => {
        upload.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", csrfToken())
      })
    })
  }
  attach()
})()
