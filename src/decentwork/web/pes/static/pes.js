// The PES forms' helpers; every page works without them.
// - An error summary takes the focus, so that it is read first.
// - While a job title is typed, the occupation codes the coder suggests for it are shown
//   beside it to pick from (the same choices the "Suggest codes" button gives), and the
//   code picked is copied into the code field.
"use strict";

(function () {
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  function show(box, prefix, codeInput, answer) {
    const status = document.getElementById(prefix + "-status");
    const list = document.getElementById(prefix + "-suggestions");
    list.replaceChildren();
    status.textContent = answer.problem || "";
    if (!answer.suggestions.length) {
      return;
    }
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = box.dataset.legend;
    fieldset.append(legend);
    answer.suggestions.forEach(function (suggestion, index) {
      const choice = document.createElement("div");
      choice.className = "choice";
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = prefix + "-pick";
      radio.id = prefix + "-pick-" + (index + 1);
      radio.value = suggestion.code;
      radio.checked = codeInput.value === suggestion.code;
      radio.addEventListener("change", function () {
        codeInput.value = suggestion.code;
      });
      const label = document.createElement("label");
      label.htmlFor = radio.id;
      const code = document.createElement("strong");
      code.textContent = suggestion.code;
      const confidence = document.createElement("span");
      confidence.className = "confidence";
      confidence.textContent = "(" + box.dataset.confidence.replace(
        "{}", String(Math.round(suggestion.confidence * 100))) + ")";
      label.append(code, " " + suggestion.title + " ", confidence);
      choice.append(radio, label);
      fieldset.append(choice);
    });
    list.append(fieldset);
  }

  document.querySelectorAll(".coded").forEach(function (box) {
    const prefix = box.dataset.prefix;
    const textInput = document.getElementById(box.dataset.text);
    const codeInput = document.getElementById(box.dataset.code);
    if (!textInput || !codeInput) {
      return;
    }
    box.querySelectorAll('input[type="radio"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        codeInput.value = radio.value;
      });
    });
    let timer = null;
    let asked = "";
    textInput.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const text = textInput.value.trim();
        if (text.length < 3 || text === asked) {
          return;
        }
        asked = text;
        fetch("/pes/occupations?text=" + encodeURIComponent(text), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) {
            return response.ok ? response.json() : { suggestions: [], problem: "" };
          })
          .then(function (answer) {
            if (textInput.value.trim() === text) {
              show(box, prefix, codeInput, answer);
            }
          })
          .catch(function () {});
      }, 500);
    });
  });
})();
