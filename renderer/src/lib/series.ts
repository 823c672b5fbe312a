/** One line of a chart: (x, y) points, drawn dashed for validation values. */
export interface Series {
  label: string;
  color: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}
