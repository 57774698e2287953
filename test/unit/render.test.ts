import { describe, expect, it } from 'vitest';
import { mrkdwnToText, renderMessage, renderView } from '../../src/dev/render.js';

const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });

const statusMessage = {
  text: 'Audit status: 2 of 4 checks need attention',
  blocks: [
    { type: 'header', text: plain(':bar_chart: Audit status') },
    {
      type: 'section',
      text: mrkdwn(
        '*2 of 4 checks need attention* · from <https://www.notion.so/audit-20260118|Audit follow-up report> &amp; <#C0DIGEST|audit-digest>',
      ),
    },
    {
      type: 'section',
      fields: [
        mrkdwn('*Fingerprint coverage*\n:warning: 20.1% (target 80%)'),
        mrkdwn('*djay ID sync*\n:large_yellow_circle: 70.0%'),
        mrkdwn('*DriveSheetsSync tests*\n:white_check_mark: 42/42'),
        mrkdwn('*Dashboard*\n:red_circle: HTTP 503'),
      ],
    },
    {
      type: 'context',
      elements: [
        mrkdwn('Checked <!date^1768723200^{date_short_pretty} {time}|Jan 18, 08:00>'),
        mrkdwn('asked by <@U0APPROVER>'),
      ],
    },
    { type: 'divider' },
    {
      type: 'actions',
      block_id: 'status_actions',
      elements: [
        {
          type: 'button',
          text: plain('Refresh'),
          action_id: 'status_refresh',
          value: 'all',
          style: 'primary',
        },
        {
          type: 'button',
          text: plain('Open report'),
          action_id: 'status_open',
          url: 'https://example.com/report',
        },
        { type: 'button', text: plain('Dismiss'), action_id: 'status_dismiss', style: 'danger' },
      ],
    },
  ],
};

describe('renderMessage', () => {
  it('renders a status message as readable text with numbered buttons', () => {
    const rendered = renderMessage(statusMessage);
    expect(rendered.text).toMatchInlineSnapshot(`
      "📊 Audit status
      ==============
      *2 of 4 checks need attention* · from Audit follow-up report (https://www.notion.so/audit-20260118) & #audit-digest
      *Fingerprint coverage* ⚠️ 20.1% (target 80%)   *djay ID sync* 🟡 70.0%
      *DriveSheetsSync tests* ✅ 42/42        *Dashboard* 🔴 HTTP 503
      Checked Jan 18, 08:00  ·  asked by @U0APPROVER
      ────────────────────────────────────────
      [1] Refresh  [2] Open report (https://example.com/report)  [3] Dismiss"
    `);
    expect(rendered.buttons).toEqual([
      {
        number: 1,
        text: 'Refresh',
        actionId: 'status_refresh',
        blockId: 'status_actions',
        value: 'all',
        url: undefined,
        style: 'primary',
      },
      {
        number: 2,
        text: 'Open report',
        actionId: 'status_open',
        blockId: 'status_actions',
        value: undefined,
        url: 'https://example.com/report',
        style: undefined,
      },
      {
        number: 3,
        text: 'Dismiss',
        actionId: 'status_dismiss',
        blockId: 'status_actions',
        value: undefined,
        url: undefined,
        style: 'danger',
      },
    ]);
  });

  it('continues numbering from firstButtonNumber, so earlier answers keep theirs', () => {
    const rendered = renderMessage(statusMessage, { firstButtonNumber: 7 });
    expect(rendered.buttons.map((b) => b.number)).toEqual([7, 8, 9]);
    expect(rendered.text).toContain('[7] Refresh  [8] Open report (https://example.com/report)  [9] Dismiss');
  });

  it('numbers a section accessory button in document order', () => {
    const rendered = renderMessage({
      blocks: [
        {
          type: 'section',
          block_id: 'issue_1',
          text: mrkdwn('*Missing fingerprints* on 16,881 items'),
          accessory: { type: 'button', text: plain('Approve'), action_id: 'issue_approve', value: 'issue-1' },
        },
        {
          type: 'actions',
          elements: [{ type: 'button', text: plain('Dismiss'), action_id: 'issue_dismiss' }],
        },
      ],
    });
    expect(rendered.text).toMatchInlineSnapshot(`
      "*Missing fingerprints* on 16,881 items
      [1] Approve
      [2] Dismiss"
    `);
    expect(rendered.buttons.map((b) => [b.number, b.actionId, b.blockId, b.value])).toEqual([
      [1, 'issue_approve', 'issue_1', 'issue-1'],
      [2, 'issue_dismiss', undefined, undefined],
    ]);
  });

  it('underlines a header with = of the same length', () => {
    expect(renderMessage({ blocks: [{ type: 'header', text: plain('Digest') }] }).text).toBe(
      'Digest\n======',
    );
  });

  it('draws a divider, shows images by alt text and skips unknown blocks', () => {
    const rendered = renderMessage({
      blocks: [
        { type: 'divider' },
        { type: 'image', image_url: 'https://x/chart.png', alt_text: 'Coverage chart' },
        { type: 'carousel', items: [1, 2] },
      ],
    });
    expect(rendered.text).toBe(`${'─'.repeat(40)}\n[image: Coverage chart]`);
  });

  it('lays section fields out two per line in aligned columns', () => {
    const rendered = renderMessage({
      blocks: [
        {
          type: 'section',
          fields: [
            mrkdwn('*A*\n1'),
            mrkdwn('*B*\n2'),
            mrkdwn('*Longer*\n3'),
            mrkdwn('*C*\n4'),
            mrkdwn('*D*'),
          ],
        },
      ],
    });
    expect(rendered.text).toMatchInlineSnapshot(`
      "*A* 1        *B* 2
      *Longer* 3   *C* 4
      *D*"
    `);
  });

  it('renders the text when there are no blocks', () => {
    expect(renderMessage({ text: 'Done :white_check_mark: see <https://x.test|report>' })).toEqual({
      text: 'Done ✅ see report (https://x.test)',
      buttons: [],
    });
    expect(renderMessage({ text: 'fallback', blocks: [] }).text).toBe('fallback');
    expect(renderMessage({}).text).toBe('');
  });

  it('never throws on malformed input', () => {
    const garbage: unknown[] = [
      null,
      undefined,
      5,
      'text',
      [],
      { blocks: null },
      { blocks: 'x' },
      { text: 5 },
      {
        blocks: [
          null,
          1,
          'x',
          [],
          { type: null },
          { type: 'header', text: 'not an object' },
          { type: 'section', text: { type: 'mrkdwn', text: 5 }, fields: 'x', accessory: 5 },
          { type: 'section', fields: [null, 1, { text: [] }] },
          { type: 'context', elements: { length: 2 } },
          {
            type: 'actions',
            elements: [null, { type: 'button' }, { type: 'static_select', options: [null, {}] }],
          },
          { type: 'input', label: null, element: 'x', hint: 4 },
          { type: 'image' },
          {
            type: 'rich_text',
            elements: [null, { type: 'rich_text_list', elements: 'x' }, { elements: [{ type: 'user' }] }],
          },
        ],
      },
      new Proxy(
        { blocks: [] },
        {
          get() {
            throw new Error('hostile');
          },
        },
      ),
    ];
    for (const value of garbage) {
      const message = value as Parameters<typeof renderMessage>[0];
      expect(() => renderMessage(message, { firstButtonNumber: Number.NaN })).not.toThrow();
      expect(() => renderView(message)).not.toThrow();
    }
    const notText: unknown = undefined;
    expect(() => mrkdwnToText(notText as string)).not.toThrow();
  });
});

describe('renderView', () => {
  it('renders a modal with its title, inputs, options and footer', () => {
    const rendered = renderView(
      {
        title: plain('New issue'),
        submit: plain('Create'),
        close: plain('Cancel'),
        blocks: [
          {
            type: 'input',
            block_id: 'title',
            label: plain('Title'),
            element: { type: 'plain_text_input', action_id: 'value' },
          },
          {
            type: 'input',
            block_id: 'severity',
            optional: true,
            label: plain('Severity'),
            hint: plain('How urgent is it?'),
            element: {
              type: 'static_select',
              action_id: 'value',
              options: [
                { text: plain(':red_circle: High'), value: 'high' },
                { text: plain(':large_yellow_circle: Medium'), value: 'medium' },
              ],
            },
          },
          {
            type: 'actions',
            elements: [
              { type: 'button', text: plain('Check for duplicates'), action_id: 'issue_duplicates' },
            ],
          },
        ],
      },
      { firstButtonNumber: 4 },
    );
    expect(rendered.text).toMatchInlineSnapshot(`
      "New issue
      =========
      Title: (input)
      Severity (optional): (input)
        • 🔴 High
        • 🟡 Medium
        (How urgent is it?)
      [4] Check for duplicates

      Close: Cancel  ·  Submit: Create"
    `);
    expect(rendered.buttons.map((b) => [b.number, b.text])).toEqual([[4, 'Check for duplicates']]);
  });

  it('renders a Home tab without title or footer', () => {
    expect(renderView({ blocks: [{ type: 'header', text: plain('Home') }] })).toEqual({
      text: 'Home\n====',
      buttons: [],
    });
  });
});

describe('mrkdwnToText', () => {
  it.each([
    ['<https://x.test/a|the label>', 'the label (https://x.test/a)'],
    ['<https://x.test/a>', 'https://x.test/a'],
    ['<https://x.test/a|https://x.test/a>', 'https://x.test/a'],
    ['<mailto:ops@x.test|ops>', 'ops (mailto:ops@x.test)'],
    ['hi <@U123>', 'hi @U123'],
    ['hi <@U123|ana>', 'hi @ana'],
    ['in <#C123|audit>', 'in #audit'],
    ['in <#C123>', 'in #C123'],
    ['<!here> look', '@here look'],
    ['<!channel>', '@channel'],
    ['<!subteam^S0ONCALL|@oncall>', '@oncall'],
    ['<!subteam^S0ONCALL>', '@S0ONCALL'],
    ['at <!date^1768723200^{date_short} {time}|Jan 18, 08:00>', 'at Jan 18, 08:00'],
    ['a &lt; b &gt; c &amp; d', 'a < b > c & d'],
    ['&amp;lt; stays escaped once', '&lt; stays escaped once'],
    ['*bold* _italic_ ~strike~', '*bold* _italic_ ~strike~'],
    ['run `/audit status` now', 'run /audit status now'],
    ['```\nconst a = 1;\n```', '```\nconst a = 1;\n```'],
    [':custom_thing: and 10:30:00', ':custom_thing: and 10:30:00'],
    ['unclosed <https://x.test', 'unclosed <https://x.test'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(mrkdwnToText(input)).toBe(expected);
  });

  it('maps the common emoji shortcodes to Unicode', () => {
    const codes = [
      'white_check_mark',
      'warning',
      'x',
      'red_circle',
      'large_green_circle',
      'large_yellow_circle',
      'hourglass_flowing_sand',
      'grey_question',
      'arrow_up',
      'arrow_down',
      'bell',
      'mute',
      'memo',
      'bar_chart',
      'rotating_light',
      'information_source',
      'heavy_check_mark',
      'clock3',
      'zzz',
      'no_entry',
    ];
    expect(mrkdwnToText(codes.map((code) => `:${code}:`).join(' '))).toBe(
      '✅ ⚠️ ❌ 🔴 🟢 🟡 ⏳ ❔ ⬆️ ⬇️ 🔔 🔇 📝 📊 🚨 ℹ️ ✔️ 🕒 💤 ⛔',
    );
  });
});
