/* Accessible names and announced feedback for jupyterquiz quizzes.
 *
 * Added by lossbook.sphinxext to the pages that hold a quiz. jupyterquiz
 * draws each answer as a visually hidden radio button inside a <label>; when
 * the answer is only math, the label's text is typeset math, which assistive
 * technology does not use as a name. Each radio button gets its answer as
 * aria-label (math as its TeX source, as alt text of math usually is), the
 * numeric answer box is tied to its label, and the feedback under a question
 * becomes a polite live region, so a screen reader announces it after a click.
 */
(function () {
  "use strict";

  var DELIMS = /\\\(|\\\)|\\\[|\\\]/g;

  function texOf(container) {
    // TeX source of a typeset formula, from MathJax's record of the page.
    try {
      var items = window.MathJax.startup.document.getMathItemsWithin(container.parentNode);
      for (var i = 0; i < items.length; i++) {
        if (items[i].typesetRoot === container) return items[i].math;
      }
    } catch (err) { /* MathJax absent or not started: fall through */ }
    return container.textContent;
  }

  function readable(label) {
    var copy = label.cloneNode(true);
    var originals = label.querySelectorAll("mjx-container");
    copy.querySelectorAll("mjx-container").forEach(function (node, k) {
      node.replaceWith(document.createTextNode(" " + texOf(originals[k]) + " "));
    });
    copy.querySelectorAll("input").forEach(function (node) { node.remove(); });
    return copy.textContent.replace(DELIMS, " ").replace(/\s+/g, " ").trim();
  }

  function improve(root) {
    root.querySelectorAll(".Quiz label.MCButton").forEach(function (label) {
      var input = label.querySelector("input");
      if (input && !input.hasAttribute("aria-label")) {
        var text = readable(label);
        if (text) input.setAttribute("aria-label", text);
      }
    });
    root.querySelectorAll(".Quiz input.Input-text").forEach(function (input) {
      var label = input.parentElement && input.parentElement.querySelector("label.InpLabel");
      if (label && !label.htmlFor) label.htmlFor = input.id;
    });
    root.querySelectorAll(".Quiz .Feedback").forEach(function (fb) {
      fb.setAttribute("role", "status");
      fb.setAttribute("aria-live", "polite");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { improve(document); });
  } else {
    improve(document);
  }
})();
