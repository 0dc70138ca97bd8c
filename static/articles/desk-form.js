/* The article writing screen: live counts, Ctrl+S, the inline reason box, the schedule
   label, the lead photo's caption and credit in place, names for select2 fields, and
   print order for bylines and photos. The server decides everything that matters
   (checklist, rights); this only makes the screen quicker to use. */
;(() => {
  const WORDS_PER_MINUTE = 250 // articles/checklist.py counts the same way

  function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".")
  }

  function charCount(text) {
    return [...(text || "").normalize("NFC")].length
  }

  function wordCount(text) {
    return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length
  }

  function bodyText(html) {
    const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html")
    doc.querySelectorAll("p, br, li, h2, h3, h4, figcaption, td, th, div").forEach((el) => {
      el.insertAdjacentText("beforebegin", " ")
      el.insertAdjacentText("afterend", " ")
    })
    return doc.body.textContent || ""
  }

  function bodyCountText(html) {
    const words = wordCount(bodyText(html))
    const minutes = words ? Math.max(1, Math.ceil(words / WORDS_PER_MINUTE)) : 0
    let text = `${thousands(words)} chữ`
    if (minutes) text += ` · khoảng ${minutes} phút đọc`
    return text
  }

  // -- headline and sapo: characters against the house limit; they grow with the text --

  function autoGrow(textarea) {
    const fit = () => {
      textarea.style.height = "auto"
      textarea.style.height = `${textarea.scrollHeight + 2}px`
    }
    textarea.addEventListener("input", fit)
    window.addEventListener("resize", fit)
    fit()
  }

  function setupCounts() {
    document.querySelectorAll("[data-count-for]").forEach((counter) => {
      const input = document.getElementById(counter.dataset.countFor)
      if (!input) return
      const limit = parseInt(counter.dataset.limit, 10)
      const described = (input.getAttribute("aria-describedby") || "").split(" ")
      if (!described.includes(counter.id)) {
        input.setAttribute("aria-describedby", [...described, counter.id].join(" ").trim())
      }
      const update = () => {
        const n = charCount(input.value)
        counter.textContent = `${n}/${limit} ký tự`
        counter.classList.toggle("desk-count--over", n > limit)
      }
      input.addEventListener("input", update)
      update()
      if (input.tagName === "TEXTAREA") autoGrow(input)
    })
    // The headline is one line: Enter does not add a line, pasted breaks become spaces.
    const title = document.getElementById("id_title")
    if (title) {
      title.addEventListener("keydown", (event) => {
        if (event.key === "Enter") event.preventDefault()
      })
      title.addEventListener("input", () => {
        if (/[\r\n]/.test(title.value)) {
          const at = title.selectionStart
          title.value = title.value.replace(/\s*[\r\n]+\s*/g, " ")
          title.setSelectionRange(at, at)
        }
      })
    }
  }

  // -- the body: words, reading time; Ctrl+S inside the editor --

  function whenEditorReady(callback) {
    if (!window.CKEDITOR) return
    const existing = CKEDITOR.instances.id_body
    if (existing && existing.status === "ready") return callback(existing)
    CKEDITOR.on("instanceReady", (event) => {
      if (event.editor.name === "id_body") callback(event.editor)
    })
  }

  function setupEditor(save) {
    const counter = document.querySelector("[data-body-count]")
    whenEditorReady((editor) => {
      let timer = null
      const update = () => {
        clearTimeout(timer)
        timer = setTimeout(() => {
          if (counter) counter.textContent = bodyCountText(editor.getData())
        }, 300)
      }
      editor.on("change", update)
      editor.on("key", update)
      editor.on("dataReady", update)
      // Typing, pasting, dictation: the editable area's own input event too.
      const listen = () => editor.editable().attachListener(editor.editable(), "input", update)
      editor.on("contentDom", listen)
      listen()
      update()
      editor.addCommand("deskSave", { exec: () => { save(); return true } })
      editor.setKeystroke(CKEDITOR.CTRL + 83, "deskSave")
      const label = document.getElementById("desk-body-label")
      if (label) label.addEventListener("click", () => editor.focus())
    })
  }

  // -- Ctrl+S / Cmd+S: save and stay --

  function saver(form) {
    return () => {
      const button = form.querySelector("button.desk-btn--save") ||
        form.querySelector("button.desk-default-submit")
      if (!button) return
      if (form.requestSubmit) form.requestSubmit(button)
      else button.click()
    }
  }

  // -- the reason box next to "Trả lại" / "Gỡ bài" --

  function setupReason() {
    const box = document.getElementById("desk-reason")
    if (!box) return
    const field = box.querySelector("textarea")
    const toggles = document.querySelectorAll("[data-reason-for]")
    const open = (action, toggle) => {
      box.hidden = false
      box.querySelectorAll("[data-reason-confirm]").forEach((button) => {
        button.hidden = button.dataset.reasonConfirm !== action
      })
      toggles.forEach((t) => t.setAttribute("aria-expanded", String(t === toggle)))
      toggle.insertAdjacentElement("afterend", box)
      field?.focus()
    }
    toggles.forEach((toggle) => {
      toggle.addEventListener("click", () => {
        const expanded = toggle.getAttribute("aria-expanded") === "true" && !box.hidden
        if (expanded) {
          box.hidden = true
          toggle.setAttribute("aria-expanded", "false")
        } else {
          open(toggle.dataset.reasonFor, toggle)
        }
      })
    })
    box.querySelector("[data-reason-cancel]")?.addEventListener("click", () => {
      box.hidden = true
      const toggle = [...toggles].find((t) => t.getAttribute("aria-expanded") === "true")
      toggles.forEach((t) => t.setAttribute("aria-expanded", "false"))
      toggle?.focus()
    })
    // Shown again by the server with an error: keep the box next to its button.
    if (!box.hidden) {
      const visible = box.querySelector("[data-reason-confirm]:not([hidden])")
      const toggle = visible &&
        document.querySelector(`[data-reason-for="${visible.dataset.reasonConfirm}"]`)
      if (toggle) toggle.insertAdjacentElement("afterend", box)
    }
  }

  // -- "Xuất bản" reads "Hẹn giờ xuất bản" once a time is set --

  function setupSchedule() {
    const publish = document.querySelector("button[data-scheduled-label]")
    const date = document.getElementById("id_publish_at_0")
    const time = document.getElementById("id_publish_at_1")
    if (!publish || !date || !time) return
    const update = () => {
      const scheduled = date.value.trim() && time.value.trim()
      publish.textContent = scheduled ? publish.dataset.scheduledLabel : publish.dataset.nowLabel
    }
    for (const input of [date, time]) {
      input.addEventListener("input", update)
      input.addEventListener("change", update)
    }
    // The calendar and clock shortcuts set the value without an input event.
    document.addEventListener("click", () => setTimeout(update, 0))
    update()
  }

  // -- the lead photo: thumbnail, caption and credit of the chosen library photo --

  function setupLeadPhoto() {
    const card = document.querySelector("[data-desk-lead]")
    const select = document.getElementById("id_lead_photo")
    if (!card || !select || !window.django || !django.jQuery) return
    const thumb = card.querySelector("[data-desk-lead-thumb]")
    const caption = card.querySelector("[data-desk-lead-caption]")
    const credit = card.querySelector("[data-desk-lead-credit]")
    const refusal = card.querySelector("[data-desk-lead-refusal]")
    const anchor = card.querySelector("[data-desk-lead-anchor]")
    const base = card.dataset.photoInfoUrl.replace(/0\/$/, "")
    let latest = 0

    async function show(id) {
      const request = ++latest
      if (!id) {
        card.hidden = true
        for (const input of [caption, credit]) {
          input.disabled = true
          input.removeAttribute("name")
        }
        return
      }
      caption.disabled = credit.disabled = true
      const response = await fetch(`${base}${id}/`, { credentials: "same-origin" }).catch(() => null)
      if (request !== latest || !response || !response.ok) return
      const photo = await response.json()
      thumb.src = photo.thumb
      thumb.alt = photo.alt || ""
      anchor.id = `desk-photo-${photo.id}`
      caption.value = photo.caption
      credit.value = photo.credit
      caption.name = photo.caption_name
      credit.name = photo.credit_name
      caption.disabled = credit.disabled = !photo.editable
      refusal.textContent = photo.refusal
      refusal.hidden = !photo.refusal
      card.hidden = false
    }
    django.jQuery(select).on("change", () => show(select.value))
  }

  // -- select2 fields: named by their label (axe: aria-input-field-name) --

  function nameSelect2Fields(root = document) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach((selection) => {
      const container = selection.closest(".select2-container")
      const select = container?.previousElementSibling
      if (!select || select.tagName !== "SELECT" || !select.id) return
      const label = document.querySelector(`label[for="${select.id}"]`)
      if (!label) return
      if (!label.id) label.id = `${select.id}-label`
      const rendered = selection.querySelector(".select2-selection__rendered")
      const ids = [label.id, rendered?.id].filter(Boolean)
      selection.setAttribute("aria-labelledby", ids.join(" "))
      // select2 gives the shown value role=textbox, named only once a value is chosen.
      if (rendered && rendered.getAttribute("role") === "textbox") {
        rendered.setAttribute("aria-labelledby", label.id)
      }
    })
  }

  // -- bylines and attached photos: print order is the order on screen --

  function renumber(form) {
    form.querySelectorAll(".desk-inline").forEach((group) => {
      let position = 0
      group.querySelectorAll(".inline-related:not(.empty-form)").forEach((row) => {
        const input = row.querySelector("input[data-order]")
        if (input) input.value = position++
      })
    })
  }

  function setup() {
    const form = document.querySelector("form.desk-form")
    if (!form) return
    const save = saver(form)
    setupCounts()
    setupEditor(save)
    setupReason()
    setupSchedule()
    setupLeadPhoto()
    document.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
        event.preventDefault()
        save()
      }
    })
    form.addEventListener("submit", () => renumber(form))
    window.addEventListener("load", () => setTimeout(() => nameSelect2Fields(), 0))
    document.addEventListener("formset:added", (event) => {
      setTimeout(() => nameSelect2Fields(event.target), 0)
    })
    if (window.django && django.jQuery) {
      django.jQuery(document).on("select2:open select2:close", () => nameSelect2Fields())
    }
  }

  document.addEventListener("DOMContentLoaded", setup)
})()
