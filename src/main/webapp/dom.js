// Small DOM helpers shared by the page's modules.

/** The element with that id. */
export const $ = id => document.getElementById(id);

/** A button of {@code className} showing {@code label} that calls {@code onClick}. */
export function button(className, label, onClick) {
    const element = document.createElement('button');
    element.type = 'button';
    element.className = className;
    element.textContent = label;
    element.addEventListener('click', onClick);
    return element;
}
