/**
 * The target: which task, and for classification which classes. A text target is a classification;
 * a numeric one is a classification when its values are integers with at most MAX_INFERRED_CLASSES
 * distinct values, and no more than half as many distinct values as rows; otherwise a regression.
 */
import { fail } from '../errors.ts';
import { compareText, numberLabel } from './cells.ts';
import type { Column } from './typing.ts';
import type { Task } from './types.ts';

/** Most distinct integer values a numeric target may have to be taken for class labels. */
export const MAX_INFERRED_CLASSES = 10;

/** The task a target column implies (see the module comment), before any user choice. */
export function inferTask(column: Column): Task {
  if (column.type === 'categorical') return 'classification';
  const seen = new Set<number>();
  let present = 0;
  for (const v of column.values) {
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return 'regression';
    seen.add(v);
    present++;
    if (seen.size > MAX_INFERRED_CLASSES) return 'regression';
  }
  return seen.size >= 2 && seen.size * 2 <= present ? 'classification' : 'regression';
}

/** The task to train: the user's choice if any (a text target cannot be regressed: BAD_TARGET). */
export function chooseTask(column: Column, task?: Task): Task {
  if (task === 'regression' && column.type === 'categorical') {
    fail('BAD_TARGET', 'data.textTarget', { column: column.name }, { column: column.name });
  }
  return task ?? inferTask(column);
}

/** The label of row i as a class name: text as written (trimmed), numbers canonical (`1.0` → "1"). */
export function labelAt(column: Column, i: number): string | null {
  if (column.type === 'categorical') return column.values[i] ?? null;
  const v = column.values[i]!;
  return Number.isNaN(v) ? null : numberLabel(v);
}

/**
 * Class names over all rows with a target (the output layer must have a unit for every class, even
 * one that only the validation split holds): numeric labels in numeric order, text in code-unit order.
 */
export function classNames(column: Column): string[] {
  let classes: string[];
  if (column.type === 'numeric') {
    const seen = new Set<number>();
    for (const v of column.values) if (!Number.isNaN(v)) seen.add(v === 0 ? 0 : v);
    classes = [...seen].sort((a, b) => a - b).map(numberLabel);
  } else {
    const seen = new Set<string>();
    for (const v of column.values) if (v !== null) seen.add(v);
    classes = [...seen].sort(compareText);
  }
  if (classes.length < 2) {
    fail(
      'BAD_TARGET',
      'data.tooFewClasses',
      { column: column.name, count: classes.length },
      { column: column.name },
    );
  }
  return classes;
}
