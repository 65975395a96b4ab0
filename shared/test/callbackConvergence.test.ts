import { describe, expect, it } from 'vitest';
import { convergeEdits, convergingEdit, type CallbackEdit } from '../src/index.ts';

const at = (hour: number) => `2026-11-21T${String(hour).padStart(2, '0')}:00:00Z`;

describe('convergingEdit', () => {
  it.each([
    ['attempted', 'resolved'],
    ['open', 'escalated'],
    ['escalated', 'attempted'],
    ['reached', 'closed_no_contact'],
  ] as const)('lets %s give way to %s, whichever comes first', (behind, ahead) => {
    const back: CallbackEdit = { status: behind, at: at(12) };
    const front: CallbackEdit = { status: ahead, at: at(8) };
    expect(convergingEdit(back, front)).toBe(front);
    expect(convergingEdit(front, back)).toBe(front);
  });

  it('takes the later of two edits as far along', () => {
    const early = { status: 'resolved' as const, at: at(8) };
    const late = { status: 'resolved' as const, at: at(9) };
    expect(convergingEdit(early, late)).toBe(late);
    expect(convergingEdit(late, early)).toBe(late);
  });

  it('keeps the first of two as far along when a time is missing or equal', () => {
    const timed = { status: 'reached' as const, at: at(8) };
    const untimed = { status: 'reached' as const };
    expect(convergingEdit(timed, untimed)).toBe(timed);
    expect(convergingEdit(untimed, timed)).toBe(untimed);
    const same = { status: 'reached' as const, at: at(8) };
    expect(convergingEdit(timed, same)).toBe(timed);
  });

  it('treats resolved and closed without contact as equally far, the later standing', () => {
    const resolved: CallbackEdit = { status: 'resolved', at: at(10) };
    const closed: CallbackEdit = { status: 'closed_no_contact', at: at(11) };
    expect(convergingEdit(resolved, closed)).toBe(closed);
  });
});

describe('convergeEdits', () => {
  it('is undefined without edits', () => {
    expect(convergeEdits([])).toBeUndefined();
  });

  it('finds the furthest along of many, never going back', () => {
    const edits = [
      { status: 'escalated' as const, at: at(12) },
      { status: 'resolved' as const, at: at(9) },
      { status: 'attempted' as const, at: at(13) },
    ];
    expect(convergeEdits(edits)).toBe(edits[1]);
  });
});
