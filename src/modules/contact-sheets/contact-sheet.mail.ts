import type { Department, SheetStage } from './contact-sheet.entity.js';

/** What `templates/mail/contact-sheet/<locale>/` prints: the labels (copy, department, stage) are the template's. */
export interface ContactSheetMailData {
  department: Department;
  stage: SheetStage;
  projectNumber: string;
  sheetVersion: number;
  contractNumber: string;
  customerName: string;
}

export const CONTACT_SHEET_MAIL = 'contact-sheet';

/** The record -> mail data mapper of a department's copy mailed at one stage of one sheet version. */
export function contactSheetMailData(
  sheet: { projectNumber: string; version: number },
  contract: { number: string; customer: { name: string } },
  department: Department,
  stage: SheetStage,
): ContactSheetMailData {
  return {
    department,
    stage,
    projectNumber: sheet.projectNumber,
    sheetVersion: sheet.version,
    contractNumber: contract.number,
    customerName: contract.customer.name,
  };
}

/**
 * One message per sheet version, stage and department, however often the job that queues it runs: the outbox's
 * idempotency key.
 */
export function contactSheetMailKey(sheetId: string, stage: SheetStage, department: Department): string {
  return `contact-sheet:${sheetId}:${stage}:${department}`;
}

/** The key's parts again (the sheet's view groups its outbox messages by stage and department). */
export function parseContactSheetMailKey(
  key: string,
): { sheetId: string; stage: SheetStage; department: Department } | null {
  const m = /^contact-sheet:([^:]+):(issued|completed):(finance|engineering|production)$/.exec(key);
  return m ? { sheetId: m[1], stage: m[2] as SheetStage, department: m[3] as Department } : null;
}
