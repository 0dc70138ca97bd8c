/* The section menu on phones: a "Chuyên mục" button opens and closes the full list.

   Without JavaScript (or on wide screens) the list is simply shown, wrapped: site.css
   hides it behind the button only where scripting is enabled and the screen is
   narrow, so nothing depends on this file to reach a section. Escape closes the
   list and gives focus back to the button. */
;(() => {
  function start() {
    const button = document.querySelector(".menu-button")
    const list = button && document.getElementById(button.getAttribute("aria-controls"))
    if (!list) return

    function setOpen(open) {
      button.setAttribute("aria-expanded", String(open))
      list.classList.toggle("is-open", open)
    }

    button.addEventListener("click", () => {
      setOpen(button.getAttribute("aria-expanded") !== "true")
    })
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false)
        button.focus()
      }
    })
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
