// Optional enhancements of the server-drawn SVG charts: a tooltip that follows the pointer
// and legend keys that hide or show their series. Charts and tables work without this file.
(function () {
  "use strict";
  var tip = null;
  function show(event) {
    var title = event.target.querySelector("title");
    if (!title) { return; }
    if (!tip) { tip = document.createElement("div"); tip.className = "tooltip"; document.body.appendChild(tip); }
    tip.textContent = title.textContent;
    tip.style.left = (event.pageX + 12) + "px";
    tip.style.top = (event.pageY + 12) + "px";
    tip.hidden = false;
  }
  function hide() { if (tip) { tip.hidden = true; } }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".chart circle, .chart rect").forEach(function (mark) {
      mark.addEventListener("mousemove", show);
      mark.addEventListener("mouseleave", hide);
    });
    document.querySelectorAll(".chart .series .key").forEach(function (key) {
      key.setAttribute("tabindex", "0");
      key.setAttribute("role", "button");
      function toggle() { key.parentNode.classList.toggle("hidden"); }
      key.addEventListener("click", toggle);
      key.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); }
      });
    });
  });
}());
