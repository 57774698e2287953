import { describe, expect, it } from 'vitest';
import {
  BLOCK_LIMITS,
  findBlockKitProblems,
  formatProblems,
  type Surface,
} from '../../src/dev/block-limits.js';

type Payload = Parameters<typeof findBlockKitProblems>[1];

/** Slack-style messages for a payload, the form the fake Slack server answers with. */
function check(surface: Surface, payload: Payload): string[] {
  return formatProblems(findBlockKitProblems(surface, payload));
}

/** Lets a test hand over values the type system would refuse, as Slack's callers sometimes do. */
function garbage(value: unknown): Payload {
  return value as Payload;
}

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Press'),
  action_id: actionId,
  ...extra,
});
const option = (text: string, value: string) => ({ text: plain(text), value });
const modal = (extra: Record<string, unknown> = {}): Payload => ({
  title: plain('New issue'),
  submit: plain('Create'),
  close: plain('Cancel'),
  blocks: [section('Hello')],
  ...extra,
});
const input = (extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: 'title',
  label: plain('Title'),
  element: { type: 'plain_text_input', action_id: 'value' },
  ...extra,
});
const staticSelect = (extra: Record<string, unknown> = {}) => ({
  type: 'static_select',
  action_id: 'pick',
  placeholder: plain('Pick one'),
  options: [option('One', '1')],
  ...extra,
});

describe('BLOCK_LIMITS', () => {
  it('holds the limits Slack documents', () => {
    expect(BLOCK_LIMITS).toMatchObject({
      maxBlocks: { message: 50, modal: 100, home: 100 },
      sectionText: 3000,
      sectionFieldCount: 10,
      sectionFieldText: 2000,
      headerText: 150,
      buttonText: 75,
      actionId: 255,
      blockId: 255,
      buttonValue: 2000,
      url: 3000,
      contextElements: 10,
      actionsElements: 25,
      viewTitle: 24,
      viewSubmit: 24,
      viewClose: 24,
      callbackId: 255,
      privateMetadata: 3000,
      inputLabel: 2000,
      inputHint: 2000,
      placeholder: 150,
      optionText: 75,
      optionValue: 150,
      staticSelectOptions: 100,
      imageAltText: 2000,
      messageText: 40000,
    });
  });
});

describe('findBlockKitProblems', () => {
  it('accepts a realistic status message', () => {
    const blocks = [
      { type: 'header', text: plain(':bar_chart: Audit status') },
      {
        type: 'section',
        block_id: 'summary',
        text: mrkdwn('*5 checks* · <https://example.com/report|report>'),
        accessory: button('open', { url: 'https://example.com/report' }),
      },
      { type: 'section', fields: [mrkdwn('*Coverage*\n20.1%'), mrkdwn('*djay*\n70%')] },
      {
        type: 'context',
        elements: [
          mrkdwn('Checked 08:00'),
          { type: 'image', image_url: 'https://x/y.png', alt_text: 'logo' },
        ],
      },
      { type: 'divider' },
      {
        type: 'actions',
        block_id: 'status_actions',
        elements: [
          button('refresh', { style: 'primary', value: 'all' }),
          button('dismiss', { style: 'danger' }),
          staticSelect(),
        ],
      },
      {
        type: 'image',
        image_url: 'https://x/chart.png',
        alt_text: 'Coverage chart',
        title: plain('Coverage'),
      },
      {
        type: 'rich_text',
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'hi' }] }],
      },
    ];
    expect(check('message', { text: 'Audit status', blocks })).toEqual([]);
  });

  it('accepts a realistic modal with inputs', () => {
    const payload = modal({
      callback_id: 'issue_modal',
      private_metadata: '{"channel":"C0ISSUES"}',
      blocks: [
        input(),
        input({
          block_id: 'severity',
          element: staticSelect(),
          hint: plain('How bad is it?'),
          optional: true,
        }),
        input({
          block_id: 'area',
          element: { type: 'radio_buttons', action_id: 'area', options: [option('Eagle', 'eagle')] },
        }),
      ],
    });
    expect(check('modal', payload)).toEqual([]);
  });

  describe('block counts per surface', () => {
    it.each([
      ['message', 50],
      ['modal', 100],
      ['home', 100],
    ] as const)('%s allows %i blocks and rejects one more', (surface, max) => {
      const blocks = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
      const base = surface === 'modal' ? modal() : {};
      expect(check(surface, { ...base, blocks: blocks(max) })).toEqual([]);
      expect(check(surface, { ...base, blocks: blocks(max + 1) })).toEqual([
        `no more than ${max} items allowed [json-pointer:/blocks]`,
      ]);
    });
  });

  describe('text lengths: exactly at the limit passes, one over is rejected', () => {
    const L = BLOCK_LIMITS;
    const cases: [
      name: string,
      limit: number,
      pointer: string,
      surface: Surface,
      build: (s: string) => Payload,
    ][] = [
      ['message text', L.messageText, '/text', 'message', (s) => ({ text: s })],
      ['section text', L.sectionText, '/blocks/0/text/text', 'message', (s) => ({ blocks: [section(s)] })],
      [
        'section field',
        L.sectionFieldText,
        '/blocks/0/fields/1/text',
        'message',
        (s) => ({ blocks: [{ type: 'section', fields: [mrkdwn('a'), mrkdwn(s)] }] }),
      ],
      [
        'header text',
        L.headerText,
        '/blocks/0/text/text',
        'message',
        (s) => ({ blocks: [{ type: 'header', text: plain(s) }] }),
      ],
      [
        'markdown block text',
        L.markdownText,
        '/blocks/0/text',
        'message',
        (s) => ({ blocks: [{ type: 'markdown', text: s }] }),
      ],
      [
        'context text',
        L.textObject,
        '/blocks/0/elements/0/text',
        'message',
        (s) => ({ blocks: [{ type: 'context', elements: [mrkdwn(s)] }] }),
      ],
      [
        'block_id',
        L.blockId,
        '/blocks/0/block_id',
        'message',
        (s) => ({ blocks: [{ type: 'divider', block_id: s }] }),
      ],
      [
        'button text',
        L.buttonText,
        '/blocks/0/elements/0/text/text',
        'message',
        (s) => ({ blocks: [{ type: 'actions', elements: [button('a', { text: plain(s) })] }] }),
      ],
      [
        'action_id',
        L.actionId,
        '/blocks/0/elements/0/action_id',
        'message',
        (s) => ({ blocks: [{ type: 'actions', elements: [button(s)] }] }),
      ],
      [
        'button value',
        L.buttonValue,
        '/blocks/0/elements/0/value',
        'message',
        (s) => ({ blocks: [{ type: 'actions', elements: [button('a', { value: s })] }] }),
      ],
      [
        'button url',
        L.url,
        '/blocks/0/accessory/url',
        'message',
        (s) => ({ blocks: [{ ...section('x'), accessory: button('a', { url: s }) }] }),
      ],
      [
        'image alt text',
        L.imageAltText,
        '/blocks/0/alt_text',
        'message',
        (s) => ({ blocks: [{ type: 'image', image_url: 'https://x/y.png', alt_text: s }] }),
      ],
      [
        'image url',
        L.url,
        '/blocks/0/image_url',
        'message',
        (s) => ({ blocks: [{ type: 'image', image_url: s, alt_text: 'a' }] }),
      ],
      ['view title', L.viewTitle, '/title/text', 'modal', (s) => modal({ title: plain(s) })],
      ['view submit', L.viewSubmit, '/submit/text', 'modal', (s) => modal({ submit: plain(s) })],
      ['view close', L.viewClose, '/close/text', 'modal', (s) => modal({ close: plain(s) })],
      ['callback_id', L.callbackId, '/callback_id', 'modal', (s) => modal({ callback_id: s })],
      [
        'private_metadata',
        L.privateMetadata,
        '/private_metadata',
        'modal',
        (s) => modal({ private_metadata: s }),
      ],
      [
        'private_metadata (home)',
        L.privateMetadata,
        '/private_metadata',
        'home',
        (s) => ({ blocks: [], private_metadata: s }),
      ],
      [
        'input label',
        L.inputLabel,
        '/blocks/0/label/text',
        'modal',
        (s) => modal({ blocks: [input({ label: plain(s) })] }),
      ],
      [
        'input hint',
        L.inputHint,
        '/blocks/0/hint/text',
        'modal',
        (s) => modal({ blocks: [input({ hint: plain(s) })] }),
      ],
      [
        'placeholder',
        L.placeholder,
        '/blocks/0/element/placeholder/text',
        'modal',
        (s) => modal({ blocks: [input({ element: staticSelect({ placeholder: plain(s) }) })] }),
      ],
      [
        'option text',
        L.optionText,
        '/blocks/0/element/options/0/text/text',
        'modal',
        (s) => modal({ blocks: [input({ element: staticSelect({ options: [option(s, 'v')] }) })] }),
      ],
      [
        'option value',
        L.optionValue,
        '/blocks/0/element/options/0/value',
        'modal',
        (s) => modal({ blocks: [input({ element: staticSelect({ options: [option('t', s)] }) })] }),
      ],
    ];

    it.each(cases)('%s (%i)', (_name, limit, pointer, surface, build) => {
      expect(check(surface, build('a'.repeat(limit)))).toEqual([]);
      expect(check(surface, build('a'.repeat(limit + 1)))).toEqual([
        `must be less than ${limit + 1} characters [json-pointer:${pointer}]`,
      ]);
    });

    it('counts characters, not UTF-16 units, so an emoji counts once', () => {
      expect(check('message', { blocks: [section('😀'.repeat(L.sectionText))] })).toEqual([]);
      expect(check('message', { blocks: [section('😀'.repeat(L.sectionText + 1))] })).toEqual([
        'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
      ]);
    });
  });

  describe('item counts: exactly at the limit passes, one over is rejected', () => {
    const L = BLOCK_LIMITS;
    const cases: [
      name: string,
      limit: number,
      pointer: string,
      surface: Surface,
      build: (n: number) => Payload,
    ][] = [
      [
        'section fields',
        L.sectionFieldCount,
        '/blocks/0/fields',
        'message',
        (n) => ({
          blocks: [{ type: 'section', fields: Array.from({ length: n }, (_, i) => mrkdwn(`f${i}`)) }],
        }),
      ],
      [
        'context elements',
        L.contextElements,
        '/blocks/0/elements',
        'message',
        (n) => ({
          blocks: [{ type: 'context', elements: Array.from({ length: n }, (_, i) => plain(`c${i}`)) }],
        }),
      ],
      [
        'actions elements',
        L.actionsElements,
        '/blocks/0/elements',
        'message',
        (n) => ({
          blocks: [{ type: 'actions', elements: Array.from({ length: n }, (_, i) => button(`b${i}`)) }],
        }),
      ],
      [
        'static select options',
        L.staticSelectOptions,
        '/blocks/0/element/options',
        'modal',
        (n) =>
          modal({
            blocks: [
              input({
                element: staticSelect({
                  options: Array.from({ length: n }, (_, i) => option(`o${i}`, `${i}`)),
                }),
              }),
            ],
          }),
      ],
      [
        'overflow options',
        L.overflowOptions,
        '/blocks/0/accessory/options',
        'message',
        (n) => ({
          blocks: [
            {
              ...section('x'),
              accessory: {
                type: 'overflow',
                action_id: 'more',
                options: Array.from({ length: n }, (_, i) => option(`o${i}`, `${i}`)),
              },
            },
          ],
        }),
      ],
    ];

    it.each(cases)('%s (%i)', (_name, limit, pointer, surface, build) => {
      expect(check(surface, build(limit))).toEqual([]);
      expect(check(surface, build(limit + 1))).toEqual([
        `no more than ${limit} items allowed [json-pointer:${pointer}]`,
      ]);
    });
  });

  describe('structure', () => {
    it('rejects empty text objects like Slack does', () => {
      expect(check('message', { blocks: [section('')] })).toEqual([
        'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
      ]);
      expect(check('message', { blocks: [{ type: 'header', text: plain('') }] })).toEqual([
        'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
      ]);
    });

    it('rejects a duplicate block_id anywhere in the payload', () => {
      const blocks = [
        { type: 'divider', block_id: 'a' },
        { ...section('x'), block_id: 'b' },
        { ...section('y'), block_id: 'a' },
      ];
      expect(check('message', { blocks })).toEqual(['duplicate block_id [json-pointer:/blocks/2/block_id]']);
    });

    it('rejects a duplicate action_id within one actions block, not across blocks', () => {
      expect(
        check('message', {
          blocks: [{ type: 'actions', elements: [button('go'), button('stop'), button('go')] }],
        }),
      ).toEqual(['duplicate action_id [json-pointer:/blocks/0/elements/2/action_id]']);
      expect(
        check('message', {
          blocks: [
            { type: 'actions', elements: [button('go')] },
            { type: 'actions', elements: [button('go')] },
          ],
        }),
      ).toEqual([]);
    });

    it('rejects empty ids, option values and image alt text', () => {
      expect(
        check('message', {
          blocks: [
            { type: 'image', image_url: 'https://x/y.png', alt_text: '' },
            { ...section('x'), block_id: '', accessory: staticSelect({ options: [option('One', '')] }) },
          ],
        }),
      ).toEqual([
        'must be more than 0 characters [json-pointer:/blocks/0/alt_text]',
        'must be more than 0 characters [json-pointer:/blocks/1/block_id]',
        'must be more than 0 characters [json-pointer:/blocks/1/accessory/options/0/value]',
      ]);
    });

    it('requires submit once a modal has inputs', () => {
      expect(check('modal', { title: plain('Issue'), blocks: [input()] })).toEqual([
        'missing required field: submit [json-pointer:/submit]',
      ]);
      expect(check('home', { blocks: [input()] })).toEqual([]);
    });

    it('ignores the view-only fields of a message and a message text in a view', () => {
      expect(check('message', { blocks: [], title: 5, callback_id: 5 })).toEqual([]);
      expect(check('home', { blocks: [], text: 5, title: 5 })).toEqual([]);
    });

    it('does not look inside rich_text, file and video blocks', () => {
      expect(
        check('message', {
          blocks: [
            { type: 'rich_text', elements: 'anything' },
            { type: 'video', title: 7 },
          ],
        }),
      ).toEqual([]);
    });
  });

  describe('never throws', () => {
    const surfaces: Surface[] = ['message', 'modal', 'home'];
    const values: unknown[] = [
      null,
      undefined,
      0,
      Number.NaN,
      'blocks',
      true,
      [],
      [[]],
      {},
      { blocks: null },
      { blocks: {} },
      { blocks: [undefined, null, 1, 'x', [], [{}], { type: null }, { type: {} }] },
      { blocks: new Array(3) },
      { title: [], submit: 1, close: null, callback_id: {}, private_metadata: [], text: {} },
      {
        blocks: [
          { type: 'section', text: { type: [], text: {} }, fields: [null, 1, {}], accessory: [] },
          { type: 'context', elements: { length: 3 } },
          {
            type: 'actions',
            elements: [
              null,
              { type: 'button', text: null, action_id: 5 },
              { type: 'static_select', option_groups: [null, { options: 'x' }] },
            ],
          },
          {
            type: 'input',
            label: 'x',
            element: { type: 'checkboxes', options: [null, { text: 1, value: [] }] },
            hint: 3,
          },
          { type: 'image', image_url: {}, alt_text: null, title: 'x' },
          { type: 'header', text: { type: 'plain_text' } },
          { type: 'section', block_id: {}, text: mrkdwn('x'), accessory: { type: 'overflow', options: {} } },
        ],
      },
      new Proxy(
        {},
        {
          get() {
            throw new Error('hostile');
          },
        },
      ),
    ];

    it.each(surfaces)('on garbage for %s', (surface) => {
      for (const value of values) {
        expect(() => findBlockKitProblems(surface, garbage(value))).not.toThrow();
        expect(Array.isArray(findBlockKitProblems(surface, garbage(value)))).toBe(true);
      }
    });

    it('answers a non-object payload with a problem rather than nothing', () => {
      expect(check('message', garbage(null))).toEqual(['must provide an object [json-pointer:]']);
    });

    it('on randomly generated nested values', () => {
      let seed = 42;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const keys = [
        'type',
        'text',
        'blocks',
        'elements',
        'fields',
        'accessory',
        'options',
        'element',
        'label',
        'title',
      ];
      const types = [
        'section',
        'header',
        'actions',
        'context',
        'input',
        'button',
        'static_select',
        'plain_text',
        'mrkdwn',
      ];
      const build = (depth: number): unknown => {
        const pick = Math.floor(random() * 7);
        if (depth > 4 || pick === 0) return [null, 1, 'x', true, undefined][Math.floor(random() * 5)];
        if (pick === 1) return types[Math.floor(random() * types.length)];
        if (pick <= 3) return Array.from({ length: Math.floor(random() * 4) }, () => build(depth + 1));
        const record: Record<string, unknown> = {};
        for (const key of keys) if (random() < 0.4) record[key] = build(depth + 1);
        return record;
      };
      for (let i = 0; i < 500; i += 1) {
        const surface = surfaces[i % 3] ?? 'message';
        expect(() =>
          findBlockKitProblems(surface, garbage({ blocks: [build(0), build(0)], title: build(2) })),
        ).not.toThrow();
      }
    });
  });
});

describe('formatProblems', () => {
  it('uses Slack’s "message [json-pointer:…]" form', () => {
    expect(
      formatProblems([{ pointer: '/blocks/0/text/text', message: 'must be less than 3001 characters' }]),
    ).toEqual(['must be less than 3001 characters [json-pointer:/blocks/0/text/text]']);
    expect(formatProblems([])).toEqual([]);
  });
});
