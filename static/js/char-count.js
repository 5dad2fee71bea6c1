// The live character count under a text box (the request form's description). Loaded only on
// the pages that have one; everything works without it: the limit is written in the field's
// help, and the server says how long the text is when it is too long.
//
// <p class="char-count" data-count-for="<textarea id>" data-max="5000"
//    data-text="{count} of {max} characters" data-over="{count} characters: {excess} over the limit">
(function () {
  "use strict";
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }
  document.querySelectorAll(".char-count[data-count-for]").forEach(function (counter) {
    var box = document.getElementById(counter.getAttribute("data-count-for"));
    if (!box) { return; }
    var max = parseInt(counter.getAttribute("data-max"), 10);
    function update() {
      var count = box.value.length;
      var over = count > max;
      counter.textContent = fill(counter.getAttribute(over ? "data-over" : "data-text"), {
        count: count.toLocaleString(), max: max.toLocaleString(), excess: (count - max).toLocaleString()
      });
      counter.classList.toggle("char-count--over", over);
    }
    box.addEventListener("input", update);
    update();
  });
})();
