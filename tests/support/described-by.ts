import type { Locator } from 'playwright';

/** The texts an element's aria-describedby points at (a field's hint and, when refused, its error), joined by " | ". */
export async function descriptionOf(element: Locator): Promise<string> {
  return element.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' | '),
  );
}
