// Text from outside made safe: normalised at the edge, cut between graphemes, links checked,
// formatting total. Property tests (fast-check) for what no example list can cover.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clamp, escapeMrkdwn, link, safeUrl } from '../../src/kit/blocks.js';
import { formatCount, formatDuration, formatPercent, formatTime, sparkline } from '../../src/kit/format.js';
import { normalizeText, own } from '../../src/kit/text.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const codePoints = (s: string) => [...s].length;

describe('normalizeText', () => {
  it('replaces lone surrogates and drops control characters, keeping newlines and tabs', () => {
    expect(normalizeText('a\uD800b\uDC00c😀')).toBe('a\uFFFDb\uFFFDc😀');
    expect(normalizeText('x\u0000y\u0007z\u001b[31m\r\nnext\tcol\u0085')).toBe('xyz[31m\nnext\tcol');
  });

  it('always gives well-formed text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(normalizeText(s)).not.toMatch(LONE_SURROGATE);
      }),
    );
  });
});

describe('clamp', () => {
  it('never cuts an emoji or a family in half', () => {
    expect(clamp('😀'.repeat(300), 201)).toBe(`${'😀'.repeat(200)}…`);
    const family = '👨‍👩‍👧‍👦';
    const cut = clamp(`${'a'.repeat(8)}${family}${family}`, 12);
    expect(cut).toBe(`${'a'.repeat(8)}…`);
    expect(clamp('e\u0301'.repeat(10), 5)).toBe('e\u0301e\u0301…');
  });

  it('stays within the limit in code points, well-formed (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 400 }),
        fc.integer({ min: 1, max: 300 }),
        (s, max) => {
          const out = clamp(s, max);
          expect(codePoints(out)).toBeLessThanOrEqual(Math.max(max, 1));
          expect(out).not.toMatch(LONE_SURROGATE);
          if (codePoints(s) <= max) expect(out).toBe(s);
        },
      ),
    );
  });
});

describe('links', () => {
  it('keeps http(s) only, and encodes what could end the link or start another', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('mailto:a@b.c')).toBeUndefined();
    expect(safeUrl('/relative')).toBeUndefined();
    expect(safeUrl('http://prom|Source> <!here> <http://evil.example')).toBeUndefined();
    expect(safeUrl('https://a.example/x?q=1|2>3<4 5')).toBe('https://a.example/x?q=1%7C2%3E3%3C4%205');
    expect(link('https://a.example/', 'A <b> & c')).toBe('<https://a.example/|A &lt;b&gt; &amp; c>');
    expect(link('ftp://a.example/', '<!here>')).toBe('&lt;!here&gt;');
  });

  it('never lets a link or its label open a control sequence (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (url, label) => {
        const out = link(url, label);
        // At most one <…>, and it is the link itself: an http(s) URL, then the label.
        const sequences = [...out.matchAll(/<([^>]*)>/g)].map((m) => m[1] ?? '');
        expect(sequences.length).toBeLessThanOrEqual(1);
        for (const s of sequences) {
          expect(s).toMatch(/^https?:\/\/[^|<>\s]+\|/);
          expect(s.slice(s.indexOf('|') + 1)).not.toMatch(/[<>]/);
        }
      }),
    );
  });
});

describe('formatting is total', () => {
  it('shows what cannot be read as such, and never throws', () => {
    expect(formatTime('not-a-date', 'UTC')).toBe('unknown time');
    expect(formatTime(new Date(Number.NaN), 'UTC')).toBe('unknown time');
    expect(formatTime('2026-01-18T08:00:00Z', 'Not/AZone')).toBe('2026-01-18 08:00');
    expect(formatDuration(Number.NaN)).toBe('an unknown time');
    expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('unknown %');
    expect(formatCount(Number.NaN)).toBe('unknown');
    expect(sparkline([1, Number.NaN, 3])).toBe('▁█');
  });

  it('escapes exactly the three mrkdwn control characters', () => {
    expect(escapeMrkdwn('<!here> & <@U1>')).toBe('&lt;!here&gt; &amp; &lt;@U1&gt;');
  });

  it('looks up untrusted keys as own properties only', () => {
    const table: Record<string, string> = { critical: 'c' };
    expect(own(table, 'constructor')).toBeUndefined();
    expect(own(table, '__proto__')).toBeUndefined();
    expect(own(table, 'critical')).toBe('c');
  });
});
