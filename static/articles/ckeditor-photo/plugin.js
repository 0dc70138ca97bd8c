/* The image dialog ("Ảnh") asks for what the paper prints with every photo.
 *
 * Loaded as CKEditor plugin "newsroomphoto" from our static files (the vendored editor is
 * never edited). It customises image2's dialog:
 *  - "Chú thích" and "Tác giả ảnh / nguồn" fields, both required before the image is
 *    inserted, and the alt text labelled for what it is ("Văn bản thay thế");
 *  - the photo's library values fill the fields: passed back by the library browser
 *    (static/articles/editor-browse.js), returned by the upload, or looked up by address
 *    (config.newsroomPhotoLookupUrl) when an existing image is edited;
 *  - on OK, changed values are saved on the library photo (config.newsroomPhotoUrl, with
 *    the CSRF token) before the image goes in; the server's Vietnamese refusal is shown
 *    in the dialog and nothing is inserted;
 *  - the figure gets `<figcaption>caption <span class="photo-credit">credit</span>`.
 * A photo this user may not change in the library (someone else's, or one readers see)
 * keeps its library values; the caption typed here then belongs to this article only.
 */
;(() => {
  const TEXT = {
    src: "Địa chỉ ảnh",
    browse: "Chọn trong thư viện",
    caption: "Chú thích (bắt buộc)",
    credit: "Tác giả ảnh / nguồn (bắt buộc)",
    creditHint: "Ví dụ: Ảnh: Minh Thư · Nguồn: TTXVN",
    alt: "Văn bản thay thế",
    altHint: "Tả ngắn gọn nội dung ảnh cho người không xem được ảnh (trình đọc màn hình).",
    needCaption: "Cần nhập chú thích ảnh.",
    needCredit: "Cần ghi tác giả ảnh / nguồn.",
    saving: "Đang lưu thông tin ảnh vào thư viện…",
    looking: "Đang tìm ảnh trong thư viện…",
    readOnly:
      "Bạn không sửa được thông tin của ảnh này trong thư viện; chú thích và tác giả ảnh " +
      "nhập ở đây chỉ dùng cho bài này.",
    failed: "Không lưu được thông tin ảnh. Hãy thử lại (có thể phiên đăng nhập đã hết hạn).",
  }
  const FIELDS = { caption: "newsroomCaption", credit: "newsroomCredit", alt: "alt" }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]")
    if (field) return field.value
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
    return match ? decodeURIComponent(match[1]) : ""
  }

  // One line, as the library stores it (NFC, no invisible characters, single spaces).
  function clean(value) {
    return (value || "")
      .normalize("NFC")
      .replace(/[\u0000-\u001f\u007f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g, " ")
      .replace(/\s+/g, " ")
      .trim()
  }

  function captionHtml(caption, credit) {
    const encode = CKEDITOR.tools.htmlEncode
    return encode(caption) + (credit ? ` <span class="photo-credit">${encode(credit)}</span>` : "")
  }

  // The caption and credit a figure shows now.
  function readFigure(widget) {
    const editable = widget && widget.data.hasCaption && widget.editables.caption
    if (!editable) return { caption: "", credit: "" }
    const copy = editable.$.cloneNode(true)
    let credit = ""
    copy.querySelectorAll("span.photo-credit").forEach((span) => {
      credit = credit || clean(span.textContent)
      span.remove()
    })
    return { caption: clean(copy.textContent), credit }
  }

  function copyPhoto(photo) {
    return {
      id: Number(photo.id),
      url: String(photo.url || ""),
      caption: String(photo.caption || ""),
      credit: String(photo.credit || ""),
      alt: String(photo.alt || ""),
      canEdit: Boolean(photo.canEdit),
    }
  }

  // What one open dialog knows: the library photo behind the address, and the figure.
  class PhotoState {
    constructor(dialog, editor) {
      this.dialog = dialog
      this.editor = editor
      this.reset()
    }

    reset() {
      this.photo = null
      this.photoFor = null
      this.picked = null
      this.inFigure = { caption: "", credit: "" }
      this.widget = null
      this.saved = false
      this.lookup = null
      this.setStatus("")
    }

    field(name) {
      return this.dialog.getContentElement("info", FIELDS[name])
    }

    values() {
      return {
        caption: clean(this.field("caption").getValue()),
        credit: clean(this.field("credit").getValue()),
        alt: clean(this.field("alt").getValue()),
      }
    }

    src() {
      return (this.dialog.getValueOf("info", "src") || "").trim()
    }

    setStatus(message, kind = "error") {
      const element = this.dialog.getContentElement("info", "newsroomStatus")
      const box = element && element.getElement()
      if (!box) return
      box.setText(message)
      box.setStyle("display", message ? "block" : "none")
      box.setStyle("color", kind === "error" ? "#a00" : "#333")
      box.setStyle("background", kind === "error" ? "#fdecea" : "#f1f5f9")
    }

    markInvalid(names) {
      for (const name of ["caption", "credit", "alt"]) {
        const input = this.field(name).getInputElement()
        if (names.includes(name)) input.setAttribute("aria-invalid", "true")
        else input.removeAttribute("aria-invalid")
      }
    }

    // A photo chosen in the browser or just uploaded: its library values replace the
    // fields. One found behind an existing image only fills empty fields.
    use(photo, { replace, src }) {
      this.photo = copyPhoto(photo)
      this.photoFor = src // the address it was found for (a rendition's, maybe)
      this.saved = false
      for (const name of ["caption", "credit", "alt"]) {
        const field = this.field(name)
        if (replace || !clean(field.getValue())) field.setValue(this.photo[name])
      }
      this.setStatus(this.photo.canEdit ? "" : TEXT.readOnly, "note")
    }

    pickedFromBrowser(photo) {
      this.picked = copyPhoto(photo)
    }

    srcChanged() {
      const src = this.src()
      this.saved = false
      if (!src) return
      if (this.photo && this.photoFor === src) return
      // A photo just picked or uploaded (used once: editing the figure later reads
      // the figure and the library, not this old answer).
      const uploads = this.editor._newsroomUploads || {}
      const known = (this.picked && this.picked.url === src && this.picked) || uploads[src]
      if (known) {
        this.picked = null
        delete uploads[src]
        this.use(known, { replace: true, src })
        return
      }
      this.photo = null
      this.find(src, { replace: false })
    }

    // The library photo behind `src` (a promise of it, or of null).
    find(src, { replace }) {
      const url = `${this.editor.config.newsroomPhotoLookupUrl}?${new URLSearchParams({ src })}`
      const lookup = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => response.json().then((data) => ({ response, data })))
        .then(({ response, data }) => {
          if (this.src() !== src) return null // the address changed meanwhile
          if (!response.ok) {
            this.photo = null
            this.notFound = data.error || TEXT.failed
            return null
          }
          this.notFound = null
          this.use(data.photo, { replace, src })
          return this.photo
        })
        .catch(() => null)
      this.lookup = lookup
      return lookup
    }

    async saveThenInsert() {
      const src = this.src()
      let photo = this.photo && this.photoFor === src ? this.photo : null
      if (!photo) {
        this.setStatus(TEXT.looking, "note")
        photo = await (this.lookup || this.find(src, { replace: false }))
        if (!photo || this.photoFor !== src) photo = await this.find(src, { replace: false })
        if (!photo) {
          this.setStatus(this.notFound || TEXT.failed)
          return
        }
      }
      const values = this.values()
      const changed = ["caption", "credit", "alt"].some((name) => values[name] !== photo[name])
      if (photo.canEdit && changed) {
        this.setStatus(TEXT.saving, "note")
        const body = new URLSearchParams({
          caption: values.caption,
          credit: values.credit,
          alt_text: values.alt,
        })
        const url = this.editor.config.newsroomPhotoUrl.replace(/0\/$/, `${photo.id}/`)
        let response, data
        try {
          response = await fetch(url, {
            method: "POST",
            body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
          })
          data = await response.json()
        } catch (error) {
          this.setStatus(TEXT.failed)
          return
        }
        if (!response.ok) {
          const errors = data.errors || {}
          const messages = Object.values(errors).flat()
          this.markInvalid(Object.keys(errors).map((name) => (name === "alt_text" ? "alt" : name)))
          this.setStatus(messages.join(" ") || data.error || TEXT.failed)
          return
        }
        this.photo = copyPhoto(data.photo)
        this.photoFor = src
      }
      this.setStatus("")
      this.saved = true
      this.dialog.getButton("ok").click()
    }

    // Before the image goes in: caption and credit present, library photo saved.
    onOk(event) {
      if (this.saved) {
        this.saved = false
        this.pending = { src: this.src(), ...this.values() }
        return
      }
      event.data.hide = false
      event.stop()
      if (this.busy) return // a second click while the library is being asked
      const values = this.values()
      const missing = []
      if (!values.caption) missing.push("caption")
      if (!values.credit) missing.push("credit")
      this.markInvalid(missing)
      if (missing.length) {
        const messages = { caption: TEXT.needCaption, credit: TEXT.needCredit }
        this.setStatus(missing.map((name) => messages[name]).join(" "))
        this.field(missing[0]).focus()
        return
      }
      this.busy = true
      this.saveThenInsert().finally(() => {
        this.busy = false
      })
    }

    // After image2 has built (or rebuilt) the figure: write its caption and credit.
    writeCaption() {
      const pending = this.pending
      this.pending = null
      if (!pending) return
      const unchanged =
        pending.caption === this.inFigure.caption && pending.credit === this.inFigure.credit
      if (unchanged) return // keeps any formatting the caption had
      const editor = this.editor
      const images = Object.values(editor.widgets.instances).filter(
        (widget) => widget.name === "image" && widget.data.src === pending.src,
      )
      const focused = editor.widgets.focused
      const widget = images.includes(focused) ? focused : images[images.length - 1]
      if (!widget || !widget.editables.caption) return
      widget.editables.caption.setData(captionHtml(pending.caption, pending.credit))
      editor.fire("saveSnapshot")
      editor.fire("change")
    }
  }

  function customise(definition, editor) {
    const info = definition.getContents("info")
    if (!info) return
    // Every photo is printed with its caption: the dialog always makes a captioned figure.
    info.remove("hasCaption")
    const alt = info.get("alt")
    if (!alt) return
    alt.label = TEXT.alt
    const src = info.get("src")
    if (src) src.label = TEXT.src
    const browse = info.get("browse")
    if (browse) browse.label = TEXT.browse
    const state = (dialog) => dialog.newsroomPhoto.state
    info.add(
      {
        type: "html",
        id: "newsroomStatus",
        html:
          '<div role="alert" style="display:none;white-space:normal;padding:6px 8px;' +
          'border-radius:3px;max-width:420px;line-height:1.4"></div>',
      },
      "alt",
    )
    info.add(
      {
        type: "textarea",
        id: FIELDS.caption,
        label: TEXT.caption,
        rows: 3,
        onLoad() {
          this.getInputElement().setAttributes({ "aria-required": "true", maxlength: "2000" })
        },
        setup(widget) {
          const photoState = state(this.getDialog())
          photoState.widget = widget
          photoState.inFigure = readFigure(widget)
          this.setValue(photoState.inFigure.caption)
        },
        commit(widget) {
          widget.setData("hasCaption", true)
        },
      },
      "alt",
    )
    info.add(
      {
        type: "text",
        id: FIELDS.credit,
        label: TEXT.credit,
        onLoad() {
          this.getInputElement().setAttributes({
            "aria-required": "true",
            maxlength: "200",
            placeholder: TEXT.creditHint,
          })
        },
        setup() {
          this.setValue(state(this.getDialog()).inFigure.credit)
        },
      },
      "alt",
    )
    // Right after the alt field (the element that follows it has no id to add before).
    info.elements.splice(info.elements.indexOf(alt) + 1, 0, {
      type: "html",
      id: "newsroomAltHint",
      html:
        '<p style="white-space:normal;color:#555;max-width:420px;margin:0">' +
        `${CKEDITOR.tools.htmlEncode(TEXT.altHint)}</p>`,
    })

    const onLoad = definition.onLoad
    definition.onLoad = function () {
      if (onLoad) onLoad.apply(this, arguments)
      const photoState = new PhotoState(this, editor)
      this.newsroomPhoto = {
        picked: (photo) => photoState.pickedFromBrowser(photo),
        values: () => photoState.values(),
        state: photoState,
      }
      const src = this.getContentElement("info", "src")
      src.on("change", () => photoState.srcChanged())
      // An address typed or pasted: look it up once the typing pauses.
      let typing = null
      src.getInputElement().on("input", () => {
        clearTimeout(typing)
        typing = setTimeout(() => photoState.srcChanged(), 400)
      })
      // After CKEditor's own validation (priority 0), before image2 commits (10).
      this.on("ok", (event) => photoState.onOk(event), null, null, 5)
      this.on("ok", () => setTimeout(() => photoState.writeCaption(), 0), null, null, 999)
      // Before the widget fills the fields (its setup also sets the address, which
      // looks the library photo up: see srcChanged).
      this.on("show", () => photoState.reset(), null, null, 1)
    }
  }

  CKEDITOR.on("dialogDefinition", (event) => {
    if (event.data.name === "image2" && event.editor.plugins.newsroomphoto) {
      customise(event.data.definition, event.editor)
    }
  })

  CKEDITOR.plugins.add("newsroomphoto", {
    requires: "image2",
    beforeInit(editor) {
      // image2's caption is a nested editable with its own filter ("br em strong …"),
      // which would drop the credit span; let it keep <span class="photo-credit">.
      editor.on("widgetDefinition", (event) => {
        const definition = event.data
        const caption = definition.name === "image" && definition.editables?.caption
        if (!caption || /(^|;)\s*span\b/.test(caption.allowedContent || "")) return
        definition.editables = {
          ...definition.editables,
          caption: {
            ...caption,
            allowedContent: `${caption.allowedContent}; span(!photo-credit)`,
          },
        }
      })
    },
    init(editor) {
      editor._newsroomUploads = {}
      // An upload from the dialog carries what was already typed (the server stores it
      // with the new photo); the answer tells the dialog the photo's id and values.
      editor.on("fileUploadRequest", (event) => {
        const dialog = CKEDITOR.dialog.getCurrent()
        if (!dialog || !dialog.newsroomPhoto || dialog.getParentEditor() !== editor) return
        const values = dialog.newsroomPhoto.values()
        const data = event.data.requestData
        if (values.caption) data.caption = values.caption
        if (values.credit) data.credit = values.credit
        if (values.alt) data.alt_text = values.alt
      })
      editor.on("fileUploadResponse", (event) => {
        try {
          const response = JSON.parse(event.data.fileLoader.xhr.responseText)
          if (response.photo && response.url) editor._newsroomUploads[response.url] = response.photo
        } catch (error) {
          /* not ours to judge: filetools reports bad answers */
        }
      })
    },
  })
})()
