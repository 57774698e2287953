// NotionIssues against the fake Notion server: a database id resolved to its data source,
// property names overridden in the config, and setup problems named for the user.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotionIssues, splitText } from '../../src/issues/notion.js';
import { readIssueState } from '../../src/issues/notion-state.js';
import { createNotionClient } from '../../src/kit/notion.js';
import { FakeNotion } from '../support/fake-notion.js';

describe('NotionIssues', () => {
  let notion: FakeNotion;
  beforeAll(async () => {
    notion = await FakeNotion.start({ requestsPerSecond: Number.POSITIVE_INFINITY });
  });
  afterAll(async () => {
    await notion.stop();
  });
  const client = () =>
    createNotionClient({
      token: notion.token,
      baseUrl: notion.url,
      requestsPerSecond: Number.POSITIVE_INFINITY,
    });

  it('accepts a database id and property names from the config', async () => {
    const source = notion.addDataSource(
      {
        Issue: { id: 'title', type: 'title' },
        Urgency: { id: 'u', type: 'select', options: ['High', 'Medium', 'Low'] },
        Kind: { id: 'k', type: 'select', options: ['Internal Issue', 'Bug'] },
      },
      'Issues+Questions',
    );
    const issues = new NotionIssues(client(), {
      data_source: source.databaseId.replaceAll('-', ''),
      properties: { title: 'Issue', priority: 'Urgency', type: 'Kind' },
    });
    const created = await issues.create({
      title: 'Renamed properties',
      priority: 'low',
      type: 'Bug',
      description: 'x',
    });
    expect(created.existing).toBe(false);
    const page = notion.created.at(-1)?.page;
    expect(page?.properties.Urgency).toMatchObject({ select: { name: 'Low' } });
    expect(page?.properties.Kind).toMatchObject({ select: { name: 'Bug' } });
  });

  it('names a configured property that does not exist', async () => {
    const source = notion.addDataSource({ Name: { id: 'title', type: 'title' } }, 'Bare');
    const issues = new NotionIssues(client(), {
      data_source: source.id.replaceAll('-', ''),
      properties: { priority: 'Priority' },
    });
    await expect(
      issues.create({ title: 't', priority: 'High', type: 'Bug', description: '' }),
    ).rejects.toThrow('the Issues data source has no property "Priority" (notion.issues.properties)');
  });

  it('closes and reopens through a Status select, and reads its state back', async () => {
    const source = notion.addDataSource(
      {
        Name: { id: 'title', type: 'title' },
        Status: { id: 'st', type: 'select', options: ['Open', 'Doing', 'Resolved'] },
        Owner: { id: 'ow', type: 'people' },
      },
      'Select status',
    );
    const issues = new NotionIssues(client(), { data_source: source.id.replaceAll('-', ''), properties: {} });
    const { id } = await issues.create({
      title: 'Select-based',
      priority: 'High',
      type: 'Bug',
      description: '',
    });
    expect(await issues.setStatus(id, 'close', 'Closed (marker 1)', 'marker 1')).toBe('Resolved');
    expect(notion.created.at(-1)?.page.properties.Status).toMatchObject({
      type: 'select',
      select: { name: 'Resolved' },
    });
    expect(await issues.state(id)).toMatchObject({ pageId: id, status: 'Resolved', gone: false });
    expect(await issues.setStatus(id, 'reopen', 'Reopened (marker 2)', 'marker 2')).toBe('Open');
    expect(notion.comments.filter((c) => c.pageId === id).map((c) => c.text)).toEqual([
      'Closed (marker 1)',
      'Reopened (marker 2)',
    ]);
    // A configured done status that is not an option is named.
    const strict = new NotionIssues(client(), {
      data_source: source.id.replaceAll('-', ''),
      properties: {},
      done_status: 'Shipped',
    });
    await expect(strict.setStatus(id, 'close', 'x', 'marker 3')).rejects.toThrow(
      '"Status" has no option "Shipped" (notion.issues.done_status; options: Open, Doing, Resolved)',
    );
    // A page Notion no longer has reads as gone.
    expect(await issues.state('99999999-9999-4999-8999-999999999999')).toMatchObject({ gone: true });
  });

  it('reads the state from the property Close would set: a status-type property before a select named Status', () => {
    const page = {
      object: 'page',
      id: 'p1',
      last_edited_time: '2026-01-18T10:00:00.000Z',
      properties: {
        Status: { type: 'select', select: { name: 'Legacy' } },
        Workflow: { type: 'status', status: { name: 'In progress' } },
      },
    };
    expect(readIssueState(page)).toMatchObject({ status: 'In progress' });
    expect(readIssueState(page, { status: 'Status' })).toMatchObject({ status: 'Legacy' });
  });

  it('splits text at paragraph, line or word boundaries, never dropping any of it', () => {
    const text = `${'word '.repeat(500)}\n\n${'x'.repeat(4500)}`;
    const pieces = splitText(text);
    expect(pieces.every((p) => p.length <= 2000)).toBe(true);
    expect(pieces.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });

  it('prefers a paragraph break to a later line break', () => {
    const text = `${'a'.repeat(1200)}\n\n${'b'.repeat(600)}\n${'c'.repeat(400)}`;
    expect(splitText(text).map((p) => p.length)).toEqual([1200, 1001]);
  });
});
