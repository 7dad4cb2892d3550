// The entry form's rich-text editor: Tiptap/ProseMirror (django-prose-editor's
// build in prose-editor.js, fetched by ops/fetch-editor) on the body's text
// area. The text area stays the form's field: the editor writes its HTML there
// on every change, and the server sanitises it like any body. Without this
// script the form still works, with HTML or Markdown typed by hand.
//
// The script's element carries its settings:
//   data-o         the id of the body's text area
//   data-dinh-dang the id of the format's select ("html" shows the editor)
//   data-co-so     the commune's console path (its library and thumbnails)
//   data-gioi-han  the largest upload, in bytes
//   data-tu-luu    where the entry form's autosaves go (entry forms only)
//   data-bai       the item's id, empty for a new one

const script = document.getElementById("soan-thao");
const area = script && document.getElementById(script.dataset.o);
const format = script && document.getElementById(script.dataset.dinhDang);
const base = script ? script.dataset.coSo : "";

// The editor's own words, in Vietnamese; read once, when its module loads.
const words = {
  "Update": "Cập nhật", "Cancel": "Hủy", "Insert": "Chèn", "URL": "Địa chỉ (URL)", "Title": "Tiêu đề",
  "Open in new window": "Mở trong cửa sổ mới", "Edit Link": "Sửa liên kết", "Insert Table": "Chèn bảng",
  "Rows": "Số hàng", "Columns": "Số cột", "Include header row": "Có hàng tiêu đề", "Table Properties": "Thuộc tính bảng",
  "Edit HTML": "Sửa mã HTML", "Prettify": "Dàn trang mã",
  "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor schema.":
    "Mã HTML của nội dung. Chỉ các thẻ trình soạn thảo hiểu được giữ lại.",
  "Image URL": "Địa chỉ ảnh", "Alternative Text": "Mô tả ảnh (cho người không nhìn thấy ảnh)", "Caption": "Chú thích ảnh",
  "Edit Image": "Sửa ảnh", "Edit Figure": "Sửa ảnh", "Insert Figure": "Chèn ảnh", "Add caption": "Thêm chú thích",
  "Remove caption": "Bỏ chú thích", "Browse...": "Chọn…", "List properties": "Thuộc tính danh sách", "List type": "Kiểu danh sách",
  "Start at": "Bắt đầu từ", "Bullets": "Gạch đầu dòng", "Decimal numbers": "Số 1, 2, 3", "Lowercase letters": "Chữ a, b, c",
  "Uppercase letters": "Chữ A, B, C", "Lowercase Roman numerals": "Số La Mã i, ii, iii", "Uppercase Roman numerals": "Số La Mã I, II, III",
  "Toggle fullscreen": "Toàn màn hình",
};
window.gettext = (text) => words[text] ?? text;

// The menu's buttons: their titles and the names screen readers read.
const titles = {
  "bold": "Chữ đậm (Ctrl+B)", "italic": "Chữ nghiêng (Ctrl+I)", "underline": "Gạch chân (Ctrl+U)", "strike": "Gạch ngang",
  "subscript": "Chỉ số dưới", "superscript": "Chỉ số trên", "unordered list": "Danh sách gạch đầu dòng",
  "ordered list": "Danh sách đánh số", "blockquote": "Trích dẫn", "horizontal rule": "Đường kẻ ngang",
  "insert link": "Chèn liên kết (chọn chữ trước)", "remove link": "Bỏ liên kết", "undo": "Hoàn tác (Ctrl+Z)",
  "redo": "Làm lại (Ctrl+Y)", "Insert table": "Chèn bảng", "paragraph": "Đoạn văn thường", "figure": "Chèn ảnh theo địa chỉ",
  "edit HTML": "Sửa mã HTML", "Merge cells": "Gộp ô", "Split cell": "Tách ô", "heading 2": "Tiêu đề mục",
  "heading 3": "Tiêu đề nhỏ", "heading 4": "Tiêu đề nhỏ hơn", "HTML": "Sửa mã HTML",
  "Add column": "Thêm cột", "Delete column": "Xóa cột", "Add row": "Thêm hàng", "Delete row": "Xóa hàng",
  "Toggle header cell": "Đổi ô tiêu đề", "Delete table": "Xóa bảng", "Thuộc tính danh sách": "Thuộc tính danh sách",
};

// The menu's visible words (its block-type list).
const labels = { "Paragraph": "Đoạn văn", "Heading 2": "Tiêu đề mục", "Heading 3": "Tiêu đề nhỏ", "Heading 4": "Tiêu đề nhỏ hơn" };

function translateMenu(holder) {
  for (const button of holder.querySelectorAll(".prose-menubar button, .prose-menubar [title]")) {
    const said = titles[button.title] ?? titles[button.getAttribute("aria-label")];
    if (said) { button.title = said; button.setAttribute("aria-label", said); }
  }
  for (const node of holder.querySelectorAll(".prose-menubar *")) {
    if (node.children.length === 0 && labels[node.textContent.trim()]) node.textContent = labels[node.textContent.trim()];
  }
}

/// Office's clipboard HTML made plain: Word's list paragraphs become lists,
/// its conditional comments, `o:p` and marker spans go; Google Docs' bold
/// wrapper is unwrapped; headings fit the article (h2 to h4). What the
/// editor's schema does not know (styles, classes, fonts) it drops itself.
export function cleanPastedHTML(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const body = doc.body;
  for (const b of body.querySelectorAll('b[id^="docs-internal-guid"]')) b.replaceWith(...b.childNodes);
  for (const node of body.querySelectorAll("o\\:p, style, meta, link, title, xml")) node.remove();
  const isListParagraph = (node) =>
    node.nodeType === 1 && node.tagName === "P" && /mso-list:\s*l\d+/i.test(node.getAttribute("style") || "");
  const skippable = (node) => node.nodeType === 8 || (node.nodeType === 3 && !node.textContent.replace(/\u00a0/g, " ").trim());
  const build = (paragraphs) => {
    const stack = [];
    let top = null;
    for (const p of paragraphs) {
      const level = Number((/level(\d+)/i.exec(p.getAttribute("style")) || [])[1] || 1);
      const marker = p.querySelector('span[style*="mso-list:Ignore" i], span[style*="mso-list: Ignore" i]');
      const sign = marker ? marker.textContent.replace(/[\s\u00a0]/g, "") : "";
      if (marker) marker.remove();
      const ordered = /^(\d+|[a-z]|[ivxlcdm]+)[.)]$/i.test(sign);
      while (stack.length && stack[stack.length - 1].level > level) stack.pop();
      let current = stack[stack.length - 1];
      if (!current || current.level < level) {
        const list = doc.createElement(ordered ? "ol" : "ul");
        if (current) (current.list.lastElementChild || current.list).appendChild(list);
        else top = list;
        current = { level, list };
        stack.push(current);
      }
      const item = doc.createElement("li");
      item.append(...p.childNodes);
      current.list.appendChild(item);
    }
    return top;
  };
  const listify = (container) => {
    const children = [...container.childNodes];
    for (let i = 0; i < children.length; i++) {
      if (!isListParagraph(children[i])) {
        if (children[i].nodeType === 1) listify(children[i]);
        continue;
      }
      // One list per Word list id: a bulleted list right after a numbered one stays two lists.
      const listID = (p) => (/mso-list:\s*(l\d+)/i.exec(p.getAttribute("style")) || [])[1];
      const run = [];
      let j = i;
      while (j < children.length && (isListParagraph(children[j]) || skippable(children[j]))) {
        if (isListParagraph(children[j])) {
          if (listID(children[j]) !== listID(children[i])) break;
          run.push(children[j]);
        }
        j++;
      }
      container.insertBefore(build(run), children[i]);
      for (const p of run) p.remove();
      i = j - 1;
    }
  };
  listify(body);
  for (const p of body.querySelectorAll("p.MsoTitle")) p.replaceWith(Object.assign(doc.createElement("h2"), { innerHTML: p.innerHTML }));
  for (const [from, to] of [["h1", "h2"], ["h5", "h4"], ["h6", "h4"]]) {
    for (const h of body.querySelectorAll(from)) h.replaceWith(Object.assign(doc.createElement(to), { innerHTML: h.innerHTML }));
  }
  return body.innerHTML;
}

// Library files as the editor shows them (the console's thumbnail route)
// and as the site serves them (`/tep/<id>`).
const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const toEditor = (html) => html.replace(/(<img\b[^>]*?\bsrc=")\/tep\/(\d+)"/g, `$1${base}/tep/$2/anh"`);
const fromEditor = (html) => html.replace(new RegExp(`src="${escaped}/tep/(\\d+)/anh"`, "g"), 'src="/tep/$1"');

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

/// The library's dialog: search, pick an image (with its description, which
/// the site requires) or a file (inserted as a link to it).
function openLibrary(editor) {
  const search = element("input", { type: "search", id: "thu-vien-tim" });
  const list = element("ul", { class: "thu-vien-danh-sach", "aria-live": "polite" });
  const alt = element("input", { type: "text", id: "thu-vien-mo-ta", maxlength: "300" });
  const upload = element("input", { type: "file", id: "thu-vien-tai-len", accept: "image/png,image/jpeg,image/webp,image/gif,application/pdf" });
  const error = element("p", { class: "error", role: "alert" });
  const dialog = element("dialog", { class: "thu-vien", "aria-labelledby": "thu-vien-tieu-de" }, [
    element("h2", { id: "thu-vien-tieu-de", text: "Chèn ảnh hoặc tệp" }),
    element("p", {}, [element("label", { for: "thu-vien-mo-ta", text: "Mô tả ảnh (bắt buộc với ảnh, cho người không nhìn thấy ảnh)" }), alt]),
    element("p", {}, [element("label", { for: "thu-vien-tai-len", text: "Tải tệp mới lên (ảnh hoặc PDF) và chèn" }), upload]),
    error,
    element("h3", { text: "Hoặc chọn trong thư viện" }),
    element("p", {}, [element("label", { for: "thu-vien-tim", text: "Tìm theo tên tệp" }), search]),
    list,
    element("p", { class: "actions" }, [element("button", { type: "button", class: "button secondary", value: "dong", text: "Đóng" })]),
  ]);
  const close = () => { dialog.close(); dialog.remove(); editor.commands.focus(); };
  dialog.querySelector('button[value="dong"]').addEventListener("click", close);
  dialog.addEventListener("cancel", () => setTimeout(() => dialog.remove(), 0));
  const choose = (file) => {
    if (file.anh) {
      // The library's description of the image, unless one was typed here.
      const text = alt.value.trim() || (file.moTa || "").trim();
      if (!text) {
        error.textContent = "Vui lòng mô tả ảnh trước khi chèn.";
        alt.focus();
        return;
      }
      editor.chain().focus().insertContent({ type: "figure", content: [{ type: "image", attrs: { src: `${base}/tep/${file.id}/anh`, alt: text } }] }).run();
    } else {
      editor.chain().focus().insertContent([{ type: "text", text: file.ten, marks: [{ type: "link", attrs: { href: file.url } }] }, { type: "text", text: " " }]).run();
    }
    close();
  };
  let pending = 0;
  const load = async () => {
    const asked = ++pending;
    const response = await fetch(`${base}/tep/chon?q=${encodeURIComponent(search.value)}`, { credentials: "same-origin" });
    if (asked !== pending) return;
    list.replaceChildren();
    if (!response.ok) { error.textContent = "Không tải được thư viện. Hãy thử lại."; return; }
    const files = await response.json();
    if (!files.length) list.append(element("li", { text: "Không có tệp nào." }));
    for (const file of files) {
      const button = element("button", { type: "button", class: "thu-vien-tep", title: file.moTa || file.ten }, [
        file.anh ? element("img", { src: `${base}/tep/${file.id}/anh`, alt: "", width: "96", height: "64" }) : element("span", { class: "thu-vien-loai", text: file.loai }),
        element("span", { text: file.ten }),
      ]);
      button.addEventListener("click", () => choose(file));
      list.append(element("li", {}, [button]));
    }
  };
  search.addEventListener("input", load);
  upload.addEventListener("change", async () => {
    const file = upload.files[0];
    if (!file) return;
    if (file.size > Number(script.dataset.gioiHan)) {
      error.textContent = `Tệp lớn hơn ${Math.round(Number(script.dataset.gioiHan) / 1048576)} MB.`;
      return;
    }
    error.textContent = "Đang tải lên…";
    const body = new FormData();
    body.append("_csrf", area.form.elements["_csrf"].value);
    body.append("tep", file);
    const response = await fetch(`${base}/tep`, { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" });
    const answer = await response.json().catch(() => ({ loi: "Không tải lên được. Hãy thử lại." }));
    if (!response.ok) { error.textContent = answer.loi || "Không tải lên được."; return; }
    error.textContent = "";
    await load();
    choose(answer);
  });
  document.body.append(dialog);
  dialog.showModal();
  alt.focus();
  load();
}

/// Sends the form's fields a few seconds after each change (never the
/// files), for the server to keep apart from the item's revisions; says when
/// it last did, and warns when someone else, or another tab, edits the item.
function autosave() {
  if (!script.dataset.tuLuu || !area.form) return;
  const form = area.form;
  const status = document.getElementById("tu-luu-trang-thai");
  const warning = document.getElementById("tu-luu-canh-bao");
  const tab = Math.random().toString(36).slice(2, 12);
  let dirty = false;
  let busy = false;
  let timer = null;
  const schedule = () => { if (!timer) timer = setTimeout(send, 4000); };
  async function send() {
    timer = null;
    if (!dirty || busy) return;
    busy = true;
    dirty = false;
    const body = new URLSearchParams();
    for (const field of form.elements) {
      if (!field.name || ["file", "submit", "button"].includes(field.type)) continue;
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) continue;
      body.append(field.name, field.value);
    }
    body.set("bai", script.dataset.bai || "");
    body.set("tab", tab);
    try {
      const response = await fetch(script.dataset.tuLuu, { method: "POST", body, credentials: "same-origin" });
      const answer = await response.json();
      if (response.ok) {
        status.textContent = `Đã tự lưu lúc ${answer.luc}. Bản tự lưu chưa phải bản lưu: bấm “Lưu nháp” hoặc “Gửi duyệt” khi xong.`;
        if ((answer.khac || "") !== warning.textContent) warning.textContent = answer.khac || "";
      } else {
        status.textContent = answer.loi || "Chưa tự lưu được.";
      }
    } catch (error) {
      status.textContent = "Chưa tự lưu được (mất kết nối?). Nội dung vẫn còn trong trang.";
      dirty = true;
    }
    busy = false;
    if (dirty) schedule();
  }
  const changed = () => { dirty = true; schedule(); };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { dirty = false; clearTimeout(timer); timer = null; });
}

async function start() {
  if (!area || !format) return;
  // The editor's module at this script's own version (its `?v=`).
  const pm = await import(`./prose-editor.js${new URL(import.meta.url).search}`);
  const Library = pm.Extension.create({
    name: "thuVien",
    addMenuItems({ menu, buttons }) {
      menu.defineItem({
        name: "thuVien",
        groups: "nodes",
        button: buttons.material("photo_library", "Chèn ảnh hoặc tệp từ thư viện"),
        command(editor) { openLibrary(editor); },
      });
    },
  });
  const Paste = pm.Extension.create({
    name: "danTuVanBan",
    addProseMirrorPlugins() {
      return [new pm.Plugin({ props: { transformPastedHTML: cleanPastedHTML } })];
    },
  });
  const extensions = [
    pm.Document, pm.Paragraph, pm.Text, pm.HardBreak, pm.Dropcursor, pm.Gapcursor, pm.History, pm.Menu,
    pm.Heading.configure({ levels: [2, 3, 4] }), pm.Bold, pm.Italic, pm.Underline, pm.Strike, pm.Subscript, pm.Superscript,
    pm.Link, pm.BulletList, pm.OrderedList, pm.ListItem, pm.Blockquote, pm.HorizontalRule,
    pm.Table, pm.TableRow, pm.TableHeader, pm.TableCell, pm.Image, pm.Figure, pm.Caption, pm.HTML, Library, Paste,
  ];
  let editor = null;
  const mount = () => {
    const holder = element("div", { class: "prose-editor soan-thao" });
    area.before(holder);
    holder.append(area);
    area.hidden = true;
    editor = new pm.Editor({
      element: holder,
      extensions,
      content: toEditor(area.value),
      editorProps: { attributes: { "aria-label": document.querySelector(`label[for="${area.id}"]`)?.textContent || "Nội dung", "aria-multiline": "true", role: "textbox" } },
      onUpdate({ editor }) {
        const html = editor.getHTML();
        area.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : fromEditor(html);
        area.dispatchEvent(new Event("input", { bubbles: true }));
      },
    });
    // The menu is drawn once the editor is created.
    setTimeout(() => translateMenu(holder), 0);
    // The menu greys out what cannot be done now with a class; assistive
    // technology (and accessibility checkers) learn it from aria-disabled.
    const marks = () => {
      for (const button of holder.querySelectorAll(".prose-menubar__button")) {
        button.setAttribute("aria-disabled", button.classList.contains("disabled") ? "true" : "false");
      }
    };
    editor.on("transaction", marks);
    setTimeout(marks, 0);
  };
  const unmount = () => {
    if (!editor) return;
    const holder = area.parentElement;
    editor.destroy();
    holder.before(area);
    holder.remove();
    area.hidden = false;
    editor = null;
  };
  format.addEventListener("change", async () => {
    if (format.value !== "html") { unmount(); return; }
    // Markdown typed so far becomes the editor's HTML (rendered by the server).
    if (area.value.trim() && !area.value.trim().startsWith("<")) {
      const body = new URLSearchParams({ _csrf: area.form.elements["_csrf"].value, "noi-dung": area.value });
      const response = await fetch(`${base}/markdown`, { method: "POST", body, credentials: "same-origin" });
      if (response.ok) area.value = cleanPastedHTML(await response.text());
    }
    mount();
  });
  if (format.value === "html") mount();
  autosave();
}

start().catch((error) => console.error("trình soạn thảo:", error));
