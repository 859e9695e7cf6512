// Keeps a file over the page's upload limit in the browser.
//
// ipywidgets' FileUpload reads every chosen file whole (FileReader.readAsArrayBuffer) and sends all of
// them to the kernel in one websocket message; a message over the server's limit closes the page's
// connection without a word, and the page stops answering. Here a file over the per-file limit, or one
// that would take the selection over its total, is read as empty instead: the widget still sends its
// name and real size, and the kernel (toolkit/serving/uploads.py, which decides) answers with a
// Vietnamese message naming it. The rule is the kernel's, in the same order: files let through count
// towards the total, files held back do not.
(function () {
  "use strict";
  const script = document.currentScript;
  const maxFile = Number(script && script.dataset.maxFileBytes);
  const maxSelection = Number(script && script.dataset.maxSelectionBytes);
  if (!(maxFile > 0 && maxSelection > 0)) return; // no limits given: the kernel's check still applies

  const readAsArrayBuffer = FileReader.prototype.readAsArrayBuffer;
  let chosen = 0; // bytes let through in the current selection
  let resetPending = false;
  FileReader.prototype.readAsArrayBuffer = function (blob) {
    if (!(blob instanceof File)) return readAsArrayBuffer.call(this, blob);
    // FileUpload starts reading all files of one selection in one synchronous loop, so the
    // selection ends at the next microtask.
    if (!resetPending) {
      resetPending = true;
      queueMicrotask(() => { chosen = 0; resetPending = false; });
    }
    if (blob.size > maxFile || chosen + blob.size > maxSelection) {
      return readAsArrayBuffer.call(this, new Blob([]));
    }
    chosen += blob.size;
    return readAsArrayBuffer.call(this, blob);
  };
})();
