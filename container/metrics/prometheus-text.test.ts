import { Counter, Histogram, Registry } from 'prom-client';
import { parsePrometheusText, PrometheusTextError, sumOf } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it("reads prom-client's exposition: families, labels with escapes, histogram samples", async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'x_total',
      help: 'x',
      labelNames: ['a'],
      registers: [registry],
    });
    counter.inc({ a: 'quote " back \\ line \n' }, 2);
    const histogram = new Histogram({
      name: 'y_seconds',
      help: 'y',
      buckets: [0.1, 1],
      registers: [registry],
    });
    histogram.observe(0.5);
    const families = parsePrometheusText(await registry.metrics());
    expect(families.map((f) => [f.name, f.kind])).toEqual([
      ['x_total', 'counter'],
      ['y_seconds', 'histogram'],
    ]);
    expect(sumOf(families, 'x_total', { a: 'quote " back \\ line \n' })).toBe(2);
    expect(sumOf(families, 'y_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(sumOf(families, 'y_seconds_count')).toBe(1);
  });

  it('reads NaN and Inf in any case, as Prometheus does (prom-client writes an empty lag as Nan)', () => {
    const families = parsePrometheusText(
      '# TYPE g gauge\ng{a="1"} Nan\ng{a="2"} -inf\ng{a="3"} NaN\n',
    );
    expect(Number.isNaN(sumOf(families, 'g', { a: '1' }))).toBe(true);
    expect(sumOf(families, 'g', { a: '2' })).toBe(Number.NEGATIVE_INFINITY);
  });

  it.each([
    ['a sample without its # TYPE', 'x_total 1\n'],
    ['a sample of another family', '# TYPE x_total counter\ny_total 1\n'],
    ['an unquoted label value', '# TYPE x counter\nx{a=b} 1\n'],
    ['a value that is not a number', '# TYPE x gauge\nx one\n'],
    ['a family declared twice', '# TYPE x gauge\nx 1\n# TYPE x gauge\n'],
    [
      'buckets that are not cumulative',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n',
    ],
    ['a +Inf bucket that is not _count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow(PrometheusTextError);
  });
});
