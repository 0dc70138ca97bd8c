/* The newsroom's CKEditor plugin, loaded from our static files (the vendored editor is
 * never edited):
 *  - image2's caption is a nested editable with its own filter ("br em strong …"), which
 *    would strip the server's <span class="photo-credit"> on every load; widen it to the
 *    caption subset of our allowlist (config.newsroomCaptionContent, set from
 *    articles.richtext). And a captioned figure without an image must not crash image2.
 *  - Vietnamese for the labels CKEditor's own "vi" files leave in English or get wrong
 *    (format names "Heading 2", the image alt text called "Chú thích ảnh", …).
 * Both happen in beforeInit: after the language entries are in place, before any plugin
 * builds its buttons or registers its widgets.
 */
;(() => {
  const VIETNAMESE = {
    application: "Trình soạn thảo",
    editorPanel: "Bảng công cụ của trình soạn thảo",
    common: {
      url: "Đường dẫn",
      generalTab: "Chung",
      advancedTab: "Nâng cao",
    },
    notification: { closed: "Đã đóng thông báo." },
    toolbar: {
      toolbarExpand: "Mở rộng thanh công cụ",
      toolbarGroups: { clipboard: "Dán/Hoàn tác" },
    },
    clipboard: {
      pasteNotification:
        "Nhấn %1 để dán. Trình duyệt không cho dán bằng nút trên thanh công cụ hay trình đơn chuột phải.",
      pasteMsg: "Dán nội dung vào ô dưới đây rồi bấm Đồng ý.",
      fileFormatNotSupportedNotification: "Không hỗ trợ tệp định dạng ${formats}.",
      fileWithoutFormatNotSupportedNotification: "Không hỗ trợ định dạng tệp này.",
    },
    pastetext: {
      pasteNotification:
        "Nhấn %1 để dán. Trình duyệt không cho dán bằng nút trên thanh công cụ hay trình đơn chuột phải.",
    },
    copyformatting: {
      notification: {
        copied: "Đã sao chép định dạng",
        applied: "Đã áp dụng định dạng",
        canceled: "Đã hủy sao chép định dạng",
        failed: "Không áp dụng được định dạng: hãy sao chép định dạng trước.",
      },
    },
    format: {
      tag_p: "Đoạn văn",
      tag_h1: "Tiêu đề 1",
      tag_h2: "Tiêu đề phụ",
      tag_h3: "Tiêu đề phụ cấp 2",
      tag_h4: "Tiêu đề phụ cấp 3",
      tag_h5: "Tiêu đề 5",
      tag_h6: "Tiêu đề 6",
      tag_address: "Địa chỉ",
      tag_pre: "Định dạng sẵn",
      tag_div: "Khối (DIV)",
    },
    link: {
      anchor: { errorWhitespace: "Tên điểm neo không được chứa dấu cách" },
      download: "Buộc tải xuống",
      displayText: "Chữ hiển thị",
      noTel: "Hãy nhập số điện thoại",
      phoneNumber: "Số điện thoại",
      toUrl: "Đường dẫn",
      toPhone: "Điện thoại",
      advisoryTitle: "Chú giải khi trỏ chuột",
    },
    table: {
      caption: "Chú thích bảng",
      headers: "Ô tiêu đề",
      heightUnit: "đơn vị chiều cao",
      cell: { columnHeader: "Tiêu đề cột", rowHeader: "Tiêu đề hàng" },
    },
    widget: { label: "Khối %1" },
    uploadwidget: {
      abort: "Đã hủy tải lên.",
      doneOne: "Đã tải tệp lên.",
      doneMany: "Đã tải lên %1 tệp.",
      uploadOne: "Đang tải tệp lên ({percentage}%)…",
      uploadMany: "Đang tải tệp lên: xong {current}/{max} ({percentage}%)…",
    },
    image2: {
      alt: "Mô tả ảnh (cho người không xem được ảnh)",
      captionPlaceholder: "Chú thích",
    },
  }

  function merge(target, source) {
    for (const [key, value] of Object.entries(source)) {
      if (value && typeof value === "object") {
        target[key] = target[key] || {}
        merge(target[key], value)
      } else {
        target[key] = value
      }
    }
  }

  // <figure class="image"> holding an image, directly or inside a link.
  function figureImage(figure) {
    const link = figure.getFirst("a")
    return figure.getFirst("img") || (link && link.getFirst("img"))
  }

  function adaptImage2(definition, config) {
    // The caption keeps what the server keeps inside a figcaption (the credit span).
    const caption = definition.editables?.caption
    if (caption && config.newsroomCaptionContent) {
      definition.editables = {
        ...definition.editables,
        caption: { ...caption, allowedContent: config.newsroomCaptionContent },
      }
    }
    // image2 throws on a captioned figure without an image (the importer writes one
    // when the photo file is missing), and the editor never starts. Leave such a figure
    // as ordinary content: its caption stays, editable as text.
    const upcast = definition.upcast
    if (typeof upcast === "function") {
      definition.upcast = function (element, data) {
        if (element.name === "figure" && !figureImage(element)) return false
        const inner = element.children.length === 1 && element.children[0]
        if (inner && inner.name === "figure" && !figureImage(inner)) return false
        return upcast.call(this, element, data)
      }
    }
  }

  CKEDITOR.plugins.add("newsroom", {
    // Loaded after image2 (and widget): each plugin's language entries are attached just
    // before its own beforeInit, so ours must come later to override them.
    requires: "image2",
    beforeInit(editor) {
      if (editor.langCode === "vi") merge(editor.lang, VIETNAMESE)

      editor.on("widgetDefinition", (event) => {
        if (event.data.name === "image") adaptImage2(event.data, editor.config)
      })
    },
  })
})()
