/* The header's date and time, kept current in the reader's browser.
   Pages are cached whole for a minute or more, so the server-rendered time is the
   build time; this replaces it with the time now, in Hà Nội, as the paper prints it
   ("Thứ bảy 26/09/2020 23:35"). Without JavaScript the build time stays. */
;(() => {
  const WEEKDAYS = ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"]
  const FORMAT = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Ho_Chi_Minh", weekday: "short", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  })
  const INDEX = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }

  function render(element) {
    const now = new Date()
    const parts = Object.fromEntries(FORMAT.formatToParts(now).map((p) => [p.type, p.value]))
    element.textContent =
      `${WEEKDAYS[INDEX[parts.weekday]]} ${parts.day}/${parts.month}/${parts.year} ` +
      `${parts.hour}:${parts.minute}`
    element.setAttribute("datetime", now.toISOString())
  }

  function start() {
    const element = document.querySelector("time.today")
    if (!element) return
    render(element)
    setInterval(() => render(element), 30000)
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
