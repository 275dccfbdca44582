// What is left of the user's token and cost budgets (GET api/me/budgets), under the composer; nothing when no
// budget applies. Read when the page opens and after each answer, so a budget_exceeded is no surprise.
import { t, lang } from './i18n.js';

const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 6 });

/** Reads the budgets again and shows them in {@code element}. */
export async function showBudgets(element) {
    try {
        const response = await fetch(new URL('api/me/budgets', document.baseURI));
        if (!response.ok) {
            return;
        }
        const { budgets } = await response.json();
        element.textContent = budgets.map(budget => t.budgetLeft(
            budget.name.endsWith('-day'), numbers.format(budget.remaining), numbers.format(budget.limit),
            budget.currency ?? t.tokens)).join(' · ');
        element.hidden = budgets.length === 0;
    } catch {
        // offline: the connection status says so already
    }
}
