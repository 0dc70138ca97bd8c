/* The article form's tag input: "Hà Nội, giá xăng, …" with suggestions of existing tags.

   The browser's own <datalist> shows them: each option is the whole input with its last
   (unfinished) tag completed, so picking one keeps the tags typed before it. The server
   (admin:articles_tag_suggest) matches without accents ("ha noi" offers "Hà Nội"), so
   nobody creates an accent-less twin by accident. Without JavaScript the input is a
   plain text field; the server cleans and de-duplicates whatever is posted. */
;(() => {
  function setup(input) {
    const list = document.createElement("datalist")
    list.id = `${input.id}-suggestions`
    input.setAttribute("list", list.id)
    input.insertAdjacentElement("afterend", list)
    let timer = null
    let latest = 0

    async function refresh() {
      const request = ++latest
      const parts = input.value.split(",")
      const current = parts.pop().trim()
      if (!current) {
        list.replaceChildren()
        return
      }
      const url = `${input.dataset.tagSuggestUrl}?q=${encodeURIComponent(current)}`
      // Not following redirects: a lost session answers with the login page, not JSON.
      const response = await fetch(url, { credentials: "same-origin", redirect: "manual" })
        .catch(() => null)
      if (!response || !response.ok || request !== latest) return
      const data = await response.json()
      if (request !== latest) return
      const before = parts.map((part) => part.trim()).filter(Boolean)
      const taken = new Set(before.map((name) => name.toLocaleLowerCase("vi")))
      list.replaceChildren(
        ...data.names
          .filter((name) => !taken.has(name.toLocaleLowerCase("vi")))
          .map((name) => {
            const option = document.createElement("option")
            option.value = [...before, name].join(", ")
            option.label = name
            return option
          }),
      )
    }

    input.addEventListener("input", () => {
      clearTimeout(timer)
      timer = setTimeout(refresh, 150)
    })
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-tag-suggest-url]").forEach(setup)
  })
})()
