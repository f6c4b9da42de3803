import { describe, expect, it } from '@jest/globals';
import { TemplateEngine } from '../../../rendering/templates/template-engine.js';
import type { TenderPackageModel } from '../tender-package.model.js';
import {
  FORMAT_SECTIONS,
  composeTemplate,
  isFormatKey,
  sectionBlocks,
  sectionMarkup,
  withFreeSections,
} from './section-formats.js';

const engine = new TemplateEngine();
const template = engine.builtInFiles('tender-package')['template.hbs'];
const sample = engine.sample('tender-package') as TenderPackageModel;

describe("a tender's own section formats (pure part)", () => {
  it('finds a block for every section the built-in template renders', () => {
    expect(sectionBlocks(template).map((b) => b.key)).toEqual(FORMAT_SECTIONS);
  });

  it("gives the company's markup of a section, heading first, without the block's own tags", () => {
    const markup = sectionMarkup(template, 'bid_letter')!;
    expect(markup.startsWith('<h1 class="text-center">{{lookup titles section}}</h1>')).toBe(true);
    expect(markup).toContain('{{t "letter.read"}}');
    expect(markup).not.toContain('eq section');
    expect(sectionMarkup(template, 'custom:x')).toBeNull();
  });

  it('renders the unchanged markup exactly as the company template does', () => {
    const same = composeTemplate(template, [{ key: 'bid_letter', body: sectionMarkup(template, 'bid_letter')! }]);
    const a = engine.render('tender-package', { ...sample, sections: ['bid_letter'] }).html;
    const b = engine.render(
      'tender-package',
      { ...sample, sections: ['bid_letter'] },
      {
        source: { files: { ...engine.builtInFiles('tender-package'), 'template.hbs': same.template } },
      },
    ).html;
    expect(b.replace(/\s+/g, ' ')).toBe(a.replace(/\s+/g, ' '));
  });

  it("puts the tender's body in its section only, and a free section with its title", () => {
    const { template: composed, missing } = composeTemplate(template, [
      { key: 'bid_letter', body: '<p>SPEC-WORDING {{tender.buyer}}</p>' },
      { key: 'custom:pledge', body: '<p>SPEC-PLEDGE</p>' },
    ]);
    expect(missing).toEqual([]);
    const source = { files: { ...engine.builtInFiles('tender-package'), 'template.hbs': composed } };
    const render = (sections: string[]) =>
      engine.render(
        'tender-package',
        { ...sample, sections, titles: { ...sample.titles, 'custom:pledge': '廉洁承诺书' } },
        { source },
      ).html;
    const letter = render(['bid_letter']);
    expect(letter).toContain(`SPEC-WORDING ${sample.tender.buyer}`);
    expect(letter).not.toContain('SPEC-PLEDGE');
    expect(render(['authorisation'])).not.toContain('SPEC-WORDING');
    const pledge = render(['custom:pledge']);
    expect(pledge).toContain('<h1 class="text-center">廉洁承诺书</h1>');
    expect(pledge).toContain('SPEC-PLEDGE');
    expect(pledge).toContain('signature-block');
  });

  it('places free sections at their positions', () => {
    expect(withFreeSections(['cover', 'toc', 'bid_letter'], [{ key: 'custom:a', position: 2 }])).toEqual([
      'cover',
      'toc',
      'custom:a',
      'bid_letter',
    ]);
    expect(
      withFreeSections(
        ['cover', 'bid_letter'],
        [
          { key: 'custom:b', position: 99 },
          { key: 'custom:a', position: 0 },
        ],
      ),
    ).toEqual(['custom:a', 'cover', 'bid_letter', 'custom:b']);
  });

  it('takes package sections and custom:<slug> as keys, nothing else', () => {
    expect(['bid_letter', 'custom:pledge-2', 'cover'].every(isFormatKey)).toBe(true);
    expect(['toc', 'custom:', 'custom:Upper', 'bid-letter', '../x', `custom:${'a'.repeat(41)}`].some(isFormatKey)).toBe(
      false,
    );
  });
});
