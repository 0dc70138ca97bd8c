/* Article form helpers: presence heartbeat, server autosave every 30 s, recovery. */
;(() => {
  const AUTOSAVE_EVERY_MS = 30000
  const HEARTBEAT_EVERY_MS = 60000
  const FIELDS = ["title", "slug", "sapo", "body", "source"]

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]")
    return field ? field.value : ""
  }

  function fieldValue(name) {
    if (name === "body" && window.CKEDITOR && CKEDITOR.instances.id_body) {
      return CKEDITOR.instances.id_body.getData()
    }
    const input = document.getElementById(`id_${name}`)
    return input ? input.value : ""
  }

  function setFieldValue(name, value) {
    if (name === "body" && window.CKEDITOR && CKEDITOR.instances.id_body) {
      CKEDITOR.instances.id_body.setData(value)
      return
    }
    const input = document.getElementById(`id_${name}`)
    if (input) input.value = value
  }

  function post(url, data) {
    const body = new URLSearchParams(data)
    return fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": csrfToken() },
    })
  }

  function setup() {
    const state = document.getElementById("newsroom-form-state")
    if (!state) return
    const status = document.getElementById("newsroom-autosave-status")
    const storageKey = `newsroom-autosave-${state.dataset.autosaveKey}`
    let lastSent = ""

    function snapshot() {
      const content = {}
      for (const name of FIELDS) content[name] = fieldValue(name)
      return JSON.stringify(content)
    }

    // The local copy (localStorage) is the text of last resort: written at every
    // autosave and at every submit, it outlives a refused autosave (lost session), a
    // save that failed (database down: the server answers its 503 page) and a closed
    // tab. It is removed only once the server has the same text: when the form,
    // loaded from the server, shows exactly that copy.
    function keepLocally(content) {
      try { localStorage.setItem(storageKey, content) } catch (e) { /* private mode */ }
    }

    function localCopy() {
      try { return localStorage.getItem(storageKey) } catch (e) { return null }
    }

    function forgetLocally() {
      try { localStorage.removeItem(storageKey) } catch (e) { /* private mode */ }
    }

    async function autosave() {
      const content = snapshot()
      if (content === lastSent) return
      keepLocally(content)
      const response = await post(state.dataset.autosaveUrl, {
        key: state.dataset.autosaveKey,
        content,
      }).catch(() => null)
      if (response && response.ok) {
        const data = await response.json()
        lastSent = content
        status.textContent = `Đã lưu tạm lúc ${data.saved_at}.`
      } else if (response && response.status === 503) {
        status.textContent =
          "Hệ thống đang bảo trì nên chưa lưu tạm được lên máy chủ. " +
          "Bản nháp vẫn được giữ trên máy này; đừng đóng thẻ, khi hệ thống hoạt động lại hãy bấm Lưu."
      } else {
        status.textContent =
          "Không lưu tạm được lên máy chủ (có thể phiên đăng nhập đã hết hạn). " +
          "Bản nháp vẫn được giữ trên máy này; hãy đăng nhập lại rồi mở lại bài."
      }
    }

    function offerLocalCopy(saved) {
      const notices = document.querySelector(".desk-notices") || state.parentNode
      const box = document.createElement("div")
      box.className = "desk-notice newsroom-autosave"
      box.id = "newsroom-local-copy"
      box.setAttribute("role", "status")
      const text = document.createElement("p")
      text.textContent =
        "Trên máy này còn một bản chưa được lưu lên máy chủ (có thể lần lưu trước không thành công)."
      const restoreButton = document.createElement("button")
      restoreButton.type = "button"
      restoreButton.className = "desk-btn"
      restoreButton.id = "newsroom-restore-local"
      restoreButton.textContent = "Khôi phục bản trên máy này"
      const dropButton = document.createElement("button")
      dropButton.type = "button"
      dropButton.className = "desk-btn desk-btn--secondary"
      dropButton.id = "newsroom-drop-local"
      dropButton.textContent = "Bỏ bản này"
      box.append(text, restoreButton, " ", dropButton)
      notices.prepend(box)
      restoreButton.addEventListener("click", () => {
        for (const name of FIELDS) if (name in saved) setFieldValue(name, saved[name])
        box.hidden = true
        status.textContent = "Đã khôi phục bản trên máy này; hãy kiểm tra rồi bấm Lưu."
      })
      dropButton.addEventListener("click", () => {
        forgetLocally()
        box.hidden = true
      })
    }

    function whenLoaded() {
      lastSent = snapshot()
      // A form sent back with errors or a conflict shows the text it was sent, unsaved.
      const refused = document.querySelector(".desk-errors, .newsroom-conflict, .errornote")
      if (!refused && state.dataset.autosaveKey !== "new") {
        // A new article saved and reopened: its copy made on the add form is saved too.
        try {
          if (localStorage.getItem("newsroom-autosave-new") === lastSent) {
            localStorage.removeItem("newsroom-autosave-new")
          }
        } catch (e) { /* private mode */ }
      }
      const stored = localCopy()
      if (stored === null) return
      if (stored === lastSent) {
        if (!refused) forgetLocally() // the server has this text: the save is confirmed
        return
      }
      let saved = null
      try { saved = JSON.parse(stored) } catch (e) { forgetLocally(); return }
      offerLocalCopy(saved)
    }

    // The form's values are final once CKEditor has loaded the body.
    if (window.CKEDITOR && document.getElementById("id_body")) {
      const instance = CKEDITOR.instances.id_body
      if (instance && instance.status === "ready") whenLoaded()
      else if (instance) instance.on("instanceReady", () => setTimeout(whenLoaded, 0))
      else CKEDITOR.on("instanceReady", (event) => {
        if (event.editor.name === "id_body") setTimeout(whenLoaded, 0)
      })
    } else {
      setTimeout(whenLoaded, 0)
    }
    setInterval(autosave, AUTOSAVE_EVERY_MS)

    const restore = document.getElementById("newsroom-restore-autosave")
    if (restore) {
      restore.addEventListener("click", () => {
        const data = JSON.parse(document.getElementById("newsroom-autosave-data").textContent)
        for (const name of FIELDS) if (name in data) setFieldValue(name, data[name])
        document.getElementById("newsroom-autosave").hidden = true
        status.textContent = "Đã khôi phục bản lưu tạm; hãy kiểm tra rồi bấm Lưu."
      })
    }

    const presenceUrl = state.dataset.presenceUrl
    if (presenceUrl) {
      const box = document.getElementById("newsroom-presence")
      async function heartbeat() {
        const response = await post(presenceUrl, {}).catch(() => null)
        if (!response || !response.ok) return
        const data = await response.json()
        box.replaceChildren(...data.others.map((text) => {
          const p = document.createElement("p")
          p.textContent = text
          return p
        }))
        box.hidden = data.others.length === 0
      }
      setInterval(heartbeat, HEARTBEAT_EVERY_MS)
      window.addEventListener("pagehide", () => {
        const body = new FormData()
        body.append("leaving", "1")
        body.append("csrfmiddlewaretoken", csrfToken())
        navigator.sendBeacon(presenceUrl, body)
      })
    }

    // Submitting keeps the newest text locally; it is forgotten only when the server
    // shows it back (whenLoaded), never before the save is confirmed.
    document.querySelector("form#article_form")?.addEventListener("submit", () => {
      keepLocally(snapshot())
    })
  }

  document.addEventListener("DOMContentLoaded", setup)
})()
