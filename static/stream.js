/* The stream beside the room: nothing loads from the provider until the resident presses the button. */
(function () {
  "use strict";
  document.querySelectorAll("[data-load-stream]").forEach(function (button) {
    button.addEventListener("click", function () {
      var box = button.closest(".stream-frame");
      var frame = document.createElement("iframe");
      frame.src = box.getAttribute("data-embed-url");
      frame.title = box.getAttribute("data-title");
      frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
      frame.setAttribute("allowfullscreen", "");
      frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
      frame.className = "stream-video";
      box.replaceChildren(frame);
      frame.focus();
    });
  });
})();
