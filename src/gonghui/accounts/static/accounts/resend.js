// The login page's "重新获取验证码": held (disabled) while the server would refuse a new code,
// with the seconds left counting down. Without JavaScript it is a plain button and the server
// answers an early press with the time left (see accounts.views.worker_login).
(function () {
  function start(button) {
    if (button.dataset.countdownStarted) return;
    var seconds = parseInt(button.dataset.resendAfter || "0", 10);
    var wait = button.form && button.form.querySelector("[data-testid=resend-wait]");
    var count = wait && wait.querySelector("[data-countdown]");
    if (!(seconds > 0)) return;
    button.dataset.countdownStarted = "1";
    var until = Date.now() + seconds * 1000;
    button.disabled = true;
    function tick() {
      var left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) {
        button.disabled = false;
        if (wait) wait.hidden = true;
        return;
      }
      if (count) count.textContent = String(left);
      setTimeout(tick, 250);
    }
    tick();
  }
  function scan() { document.querySelectorAll("button[data-resend-after]").forEach(start); }
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:afterSwap", scan);
  if (document.readyState !== "loading") scan();
})();
