/**
 * A graph as the service checks and describes it: compiled first (the compiler names the block and says
 * what is wrong), then the strict schema; and the compiled graph's shapes and parameter counts per node.
 */
import type { CompileSummary } from '../api.ts';
import { EngineError } from '../errors.ts';
import { compileGraph } from '../graph/compile.ts';
import type { CompileOptions, CompiledGraph } from '../graph/compile.ts';
import type { GraphSpec } from '../graph/types.ts';
import { guardShape, parseGraph } from './requests.ts';

/**
 * Checks a graph the way the engine words it best: the compiler names the block and says what is
 * wrong ("dense1 takes exactly one input but has 0"); the strict schema then refuses anything else.
 */
export function compileFirst(graph: unknown, options: CompileOptions) {
  guardShape(graph, 'network');
  let compiled: CompiledGraph | null = null;
  try {
    compiled = compileGraph(graph as GraphSpec, options);
  } catch (e) {
    if (e instanceof EngineError) throw e;
  }
  const g = parseGraph(graph);
  return compiled ?? compileGraph(g, options);
}

/** Every node's width and parameters, in evaluation order, and the network's totals. */
export function compileSummary(c: CompiledGraph): CompileSummary {
  const byId = new Map(c.params.map((p) => [p.nodeId, p]));
  return {
    nodes: c.order.map((n) => {
      const p = byId.get(n.id);
      return {
        id: n.id,
        type: n.type,
        width: c.width.get(n.id)!,
        shape: [...c.shape.get(n.id)!],
        params: p
          ? p.kernel[0] * p.kernel[1] + (p.bias ? p.bias[0] : 0) + (p.moving ? 2 * p.moving[0] : 0)
          : 0,
        kernel: p ? p.kernel : null,
      };
    }),
    paramCount: c.paramCount,
    inputId: c.inputId,
    outputId: c.outputId,
  };
}
