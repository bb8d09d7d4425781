// Copy-link button on article pages. Everything else works without JavaScript.
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }
  document.querySelectorAll(".copy-link").forEach(function (button) {
    var status = button.parentNode.querySelector(".copy-status");
    button.addEventListener("click", function () {
      copyText(button.getAttribute("data-url")).then(function () {
        if (status) { status.textContent = "链接已复制"; }
      }, function () {
        if (status) { status.textContent = "无法自动复制，请手动复制下面的链接"; }
      });
    });
  });
})();
