/* The import form: the file is sent with a progress bar (how much is uploaded, then "checking"
   while the server reads every row); the answer replaces the page's main part. Without this file
   the form is an ordinary upload. */
(function () {
  "use strict";
  function start() {
    var form = document.querySelector("form[data-upload-progress]");
    if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;
    var bar = form.querySelector("progress"), label = form.querySelector("[data-upload-label]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest(), button = form.querySelector("button[type=submit]");
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value");  // indeterminate: the server is checking the rows
        if (label) label.textContent = label.getAttribute("data-checking");
      });
      xhr.addEventListener("load", function () {
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = page.querySelector("main");
        if (xhr.responseURL && xhr.responseURL.split("#")[0] !== window.location.href.split("#")[0]) {
          window.location.href = xhr.responseURL;
        } else if (main) {
          document.querySelector("main").replaceWith(main);
          start();
        }
      });
      xhr.addEventListener("error", function () { form.submit(); });
      bar.hidden = false;
      if (label) label.hidden = false;
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
