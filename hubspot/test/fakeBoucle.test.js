import { describe, expect, it } from 'vitest';
import { fromServer, likeServer, serverRoutes } from './fakeBoucle.js';

describe('the fakes of the Boucle server', () => {
  it('answer each recorded request with what the server answered', () => {
    const refused = fromServer('settings-invalid-rule');
    expect(serverRoutes(refused)).toEqual({
      'PUT /settings': { status: 400, body: refused.body },
    });
  });

  it('refuse a variant naming refused fields where the server does not (error.details)', () => {
    const { body } = fromServer('settings-invalid-rule');
    expect(() =>
      likeServer(body, {
        error: { message: 'The settings are not valid', details: [{ path: 'rules.0.maxScore' }] },
      }),
    ).toThrow('body.error.details is not a field the server sends');
  });

  it('refuse a variant whose field is of another kind than the server sends', () => {
    const { body } = fromServer('company-summary');
    expect(() => likeServer(body, { overall: { ...body.overall, nps: '+25' } })).toThrow(
      'body.overall.nps is a string; the server sends a number',
    );
  });

  it('accept a variant with the fields the server sends, some left out', () => {
    const { body } = fromServer('company-summary');
    const [verbatim] = body.verbatims;
    const { themes: _themes, ...withoutThemes } = verbatim;
    expect(likeServer(body, { verbatims: [withoutThemes] }).verbatims).toEqual([withoutThemes]);
  });
});
