// A short confirmation in the page's polite live region (#toast).

let timer = null;

export function toast(message) {
  const node = document.getElementById('toast');
  node.textContent = message;
  node.classList.add('visible');
  clearTimeout(timer);
  timer = setTimeout(() => node.classList.remove('visible'), 4000);
}
