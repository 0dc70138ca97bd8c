// The photo page: a click on the image sets the focal point (focal_x/focal_y, 0–1 from the
// top-left corner) and a ring marks it; typing in the inputs moves the ring too.
;(() => {
  function setup(box) {
    const image = box.querySelector("img")
    const marker = box.querySelector(".focal-point-marker")
    const inputX = document.getElementById("id_focal_x")
    const inputY = document.getElementById("id_focal_y")
    if (!image || !marker || !inputX || !inputY) return

    function clamp(value) {
      const number = Number.parseFloat(value)
      if (Number.isNaN(number)) return 0.5
      return Math.min(1, Math.max(0, number))
    }

    function draw() {
      marker.style.left = `${clamp(inputX.value) * 100}%`
      marker.style.top = `${clamp(inputY.value) * 100}%`
    }

    image.addEventListener("click", (event) => {
      const rect = image.getBoundingClientRect()
      if (!rect.width || !rect.height) return
      inputX.value = clamp((event.clientX - rect.left) / rect.width).toFixed(3)
      inputY.value = clamp((event.clientY - rect.top) / rect.height).toFixed(3)
      inputX.dispatchEvent(new Event("change", { bubbles: true }))
      inputY.dispatchEvent(new Event("change", { bubbles: true }))
      draw()
    })
    inputX.addEventListener("input", draw)
    inputY.addEventListener("input", draw)
    draw()
  }

  function start() {
    document.querySelectorAll("[data-focal-point]").forEach(setup)
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start)
  } else {
    start()
  }
})()
