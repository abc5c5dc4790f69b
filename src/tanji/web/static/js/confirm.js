// A form with data-confirm asks before it is sent (the Content-Security-Policy allows
// no inline onsubmit handlers; see tanji.web.headers).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
