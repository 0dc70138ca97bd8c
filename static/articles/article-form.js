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

    async function autosave() {
      const content = snapshot()
      if (content === lastSent) return
      // Keep a local copy too: it survives even when the server refuses (session expired).
      try { localStorage.setItem(storageKey, content) } catch (e) { /* private mode */ }
      const response = await post(state.dataset.autosaveUrl, {
        key: state.dataset.autosaveKey,
        content,
      }).catch(() => null)
      if (response && response.ok) {
        const data = await response.json()
        lastSent = content
        status.textContent = `Đã lưu tạm lúc ${data.saved_at}.`
      } else {
        status.textContent =
          "Không lưu tạm được lên máy chủ (có thể phiên đăng nhập đã hết hạn). " +
          "Bản nháp vẫn được giữ trên máy này; hãy đăng nhập lại rồi mở lại bài."
      }
    }

    setTimeout(() => { lastSent = snapshot() }, 1500)
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

    document.querySelector("form#article_form")?.addEventListener("submit", () => {
      try { localStorage.removeItem(storageKey) } catch (e) { /* private mode */ }
    })
  }

  document.addEventListener("DOMContentLoaded", setup)
})()
