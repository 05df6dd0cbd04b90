/* Sortable tables: a table marked data-sortable gets a button in each column heading that sorts
   its rows (numbers as numbers, dates as text in ISO order), and aria-sort says which way.
   A cell may carry data-sort-value when its text is not what it sorts by. Loaded as a module from
   our own files: the Content-Security-Policy runs no inline script. */

function cellValue(row, index) {
  const cell = row.cells[index];
  if (!cell) return "";
  return (cell.dataset.sortValue ?? cell.textContent).trim();
}

function compare(a, b) {
  const x = Number.parseFloat(a.replace(/[^\d.+-]/g, ""));
  const y = Number.parseFloat(b.replace(/[^\d.+-]/g, ""));
  const numeric = /^[+-]?\d/.test(a) && /^[+-]?\d/.test(b) && !/^\d{4}-\d\d-\d\d/.test(a);
  if (numeric && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a.localeCompare(b);
}

export function sortBy(table, index, direction) {
  const body = table.tBodies[0];
  const rows = Array.from(body.rows).filter((row) => row.cells.length > 1);
  rows.sort((r1, r2) => compare(cellValue(r1, index), cellValue(r2, index)) * direction);
  rows.forEach((row) => body.appendChild(row));
  Array.from(table.tHead.rows[0].cells).forEach((th, i) => {
    if (i === index) th.setAttribute("aria-sort", direction > 0 ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  });
}

export function makeSortable(table) {
  if (!table.tHead || table.dataset.sortReady) return;
  table.dataset.sortReady = "1";
  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      sortBy(table, index, ascending ? 1 : -1);
    });
  });
}

document.querySelectorAll("table[data-sortable]").forEach(makeSortable);
