import type { DocumentFormat } from '../../../rendering/rendering.types.js';
import type { TenderSection } from '../tender.entity.js';
import type { PackageSectionRange } from './tender-package-version.entity.js';

export const PACKAGE_MAIL = 'tender-package';

/** One attachment of the package mail: a whole file of the version (pdf, docx, bundle) or a section's extract. */
export interface PackageMailFile {
  fileName: string;
  /** `section`: an unsigned extract of the section's pages of the signed PDF. */
  kind: DocumentFormat | 'section';
  /** A section's title and its pages in the package ("3-5"); null for the whole files. */
  title: string | null;
  pages: string | null;
}

/** The data of templates/mail/tender-package (its sample.json has this shape). */
export interface PackageMailData {
  /** The sales owner's name: the mail is to them. */
  recipient: string;
  tender: { tenderNo: string; projectName: string; lot: string | null };
  version: number;
  /** The signed package's pages. */
  pages: number;
  files: PackageMailFile[];
  /** Some files are extracts: the mail says they are unsigned copies and the signed package is the original. */
  extracts: boolean;
  /** Who sent it. */
  sender: string;
}

/** What goes into the mail: the whole files asked for, then each section's extract (in the order asked). */
export function packageMailFiles(input: {
  whole: { fileName: string; format: DocumentFormat }[];
  sections: { fileName: string; key: TenderSection }[];
  ranges: readonly PackageSectionRange[];
}): PackageMailFile[] {
  return [
    ...input.whole.map((f) => ({ fileName: f.fileName, kind: f.format, title: null, pages: null })),
    ...input.sections.map((s) => {
      const range = input.ranges.find((r) => r.key === s.key);
      if (!range) throw new Error(`the package has no section ${s.key}`);
      return {
        fileName: s.fileName,
        kind: 'section' as const,
        title: range.title,
        pages: `${range.firstPage}-${range.lastPage}`,
      };
    }),
  ];
}

export function packageMailData(input: {
  recipient: string;
  tender: { tenderNo: string; projectName: string; lot: string | null };
  version: number;
  pages: number;
  files: PackageMailFile[];
  sender: string;
}): PackageMailData {
  return {
    recipient: input.recipient,
    tender: { tenderNo: input.tender.tenderNo, projectName: input.tender.projectName, lot: input.tender.lot || null },
    version: input.version,
    pages: input.pages,
    files: input.files,
    extracts: input.files.some((f) => f.kind === 'section'),
    sender: input.sender,
  };
}
