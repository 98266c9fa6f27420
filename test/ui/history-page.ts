import type { Locator, Page } from 'playwright-core';

/**
 * Reads the event history table of a workflow's page in the Temporal UI (2.42, as the pinned CLI serves it). Stable
 * hooks of that UI: the table is `[data-testid="event-summary-table"]`, each row `[data-testid="event-summary-row"]`
 * with `data-eventid`, the view switches are the buttons with test ids `All`, `compact` and `json`, and an activity's
 * row shows labelled badges, "Activity Type" and "Summary" (the summary the workflow gave the call).
 */

/** One row of the event history table. */
export interface EventRow {
  /** The first event of the row (in the compact view a row stands for an activity's events). */
  eventId: number;
  /** "Activity Task Scheduled", "Activity Task Failed", ...; "Activity" in the compact view. */
  eventType: string;
  activityType?: string;
  summary?: string;
  /** The row's details cell, as text. */
  details: string;
}

const TABLE = '[data-testid="event-summary-table"]';
const ROW = `${TABLE} [data-testid="event-summary-row"]`;

/** The text of the badge next to a label ("Summary") in a row, if the row has it. */
async function labelled(row: Locator, label: string): Promise<string | undefined> {
  const badge = row.locator('p', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::*[1]');
  return (await badge.count()) > 0 ? (await badge.first().innerText()).trim() : undefined;
}

/** The table shows this many rows a page (its default page size). */
const PAGE_SIZE = 100;

/** Waits until the table shows `count` rows (the page loads the history after it renders), then reads them. */
export async function readEventRows(page: Page, count: number): Promise<EventRow[]> {
  if (count > PAGE_SIZE) throw new Error(`The event table shows ${PAGE_SIZE} rows a page; ${count} would need paging`);
  const deadline = Date.now() + 30_000;
  for (let shown = 0; (shown = await page.locator(ROW).count()) !== count;) {
    if (Date.now() > deadline) throw new Error(`The event table shows ${shown} rows, expected ${count}`);
    await page.waitForTimeout(100);
  }
  const headers = (await page.locator(`${TABLE} thead th`).allInnerTexts()).map((text) => text.trim());
  const column = (name: string) => {
    const index = headers.indexOf(name);
    if (index < 0) throw new Error(`The event table has no "${name}" column (it has: ${headers.join(', ')})`);
    return index;
  };
  const rows: EventRow[] = [];
  for (const row of await page.locator(ROW).all()) {
    // The UI renders the timestamp twice, one cell of them only on narrow screens (md:hidden); skip it so that the
    // cells line up with the headers.
    const cells = (await row.locator(':scope > td:not(.md\\:hidden)').allInnerTexts()).map((text) => text.trim());
    rows.push({
      eventId: Number(await row.getAttribute('data-eventid')),
      eventType: cells[column('Event Type')] ?? '',
      activityType: await labelled(row, 'Activity Type'),
      summary: await labelled(row, 'Summary'),
      details: cells[column('Details')] ?? '',
    });
  }
  return rows;
}

/** Switches the history to its compact view (one row per activity) and reads it. */
export async function readCompactRows(page: Page, count: number): Promise<EventRow[]> {
  await page.getByTestId('compact').click();
  return readEventRows(page, count);
}

/**
 * Opens an event's row and reads what the UI shows of it in full (a local activity's marker: its activity type,
 * summary, the recorded attempt and its failure).
 */
export async function readExpandedEvent(page: Page, eventId: number): Promise<string> {
  const row = page.locator(`${ROW}[data-eventid="${eventId}"]`);
  await row.click();
  const expanded = row.locator('xpath=following-sibling::tr[1]');
  await expanded.waitFor();
  return expanded.innerText();
}
