// SPDX-License-Identifier: Apache-2.0
// rel-f1 through the REST API of a `prequel serve` process this surface starts on loopback:
//
//   prequel init <ws>; prequel token create bench; prequel serve --port 0
//   POST /sources, POST /sources/f1/inspect {override: examples/f1/graph.json}
//   POST /train, GET /jobs/:id/events (until the job ends), GET /jobs/:id, GET /models/:id
//   POST /models/:id/predictions, GET /jobs/:id/events, GET /predictions/:id/download?format=csv
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelMetrics } from '../../src/pipeline/train.js';
import type { TrainSettings } from '../../src/pipeline/settings.js';
import { runPrequel, startServe, type ServeProcess } from './child.js';
import { GRAPH_FILE, NULL_STRING, RAW, type F1Surface, type TrainedModel } from './surface.js';

interface Job {
  id: string;
  state: string;
  error: unknown;
  result: Record<string, string> | null;
}

export class RestSurface implements F1Surface {
  readonly name = 'rest';
  private readonly workspace: string;
  private server: ServeProcess | null = null;
  private token = '';

  /** Works in `dir`: the server's workspace goes there. */
  constructor(private readonly dir: string) {
    this.workspace = join(dir, 'ws');
  }

  private async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    if (this.server === null) throw new Error('the REST surface is not open');
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.fetch(method, path, body)).json()) as T;
  }

  /** Reads the job's event stream until it ends; throws unless it succeeded. */
  private async follow(job: Job): Promise<Job> {
    await (await this.fetch('GET', `/jobs/${job.id}/events`)).text();
    const ended = await this.call<Job>('GET', `/jobs/${job.id}`);
    if (ended.state !== 'succeeded') {
      throw new Error(`job ${job.id} ${ended.state}: ${JSON.stringify(ended.error)}`);
    }
    return ended;
  }

  async open(): Promise<void> {
    await runPrequel(['init', this.workspace, '--json'], this.dir);
    const created = await runPrequel(
      ['token', 'create', 'bench', '-w', this.workspace, '--json'],
      this.dir,
    );
    this.token = (JSON.parse(created) as { token: string }).token;
    this.server = await startServe(['-w', this.workspace, '--log-level', 'warn'], this.dir);

    const settings = { path: RAW, nullString: NULL_STRING };
    await this.call('POST', '/sources', { name: 'f1', kind: 'duckdb', settings });
    const override = JSON.parse(await readFile(GRAPH_FILE, 'utf8')) as unknown;
    const { report } = await this.call<{ report: { errors: number; issues: unknown[] } }>(
      'POST',
      '/sources/f1/inspect',
      { override },
    );
    if (report.errors > 0) {
      throw new Error(`the F1 graph does not validate: ${JSON.stringify(report.issues)}`);
    }
  }

  async train(query: string, settings: TrainSettings): Promise<TrainedModel> {
    const job = await this.call<Job>('POST', '/train', { source: 'f1', query, options: settings });
    const { modelId } = (await this.follow(job)).result as { modelId: string };
    const model = await this.call<{ metrics: ModelMetrics }>('GET', `/models/${modelId}`);
    return { id: modelId, metrics: model.metrics };
  }

  async predict(modelId: string, out: string): Promise<void> {
    const body = { formats: ['csv'] };
    const job = await this.call<Job>('POST', `/models/${modelId}/predictions`, body);
    const { predictionSetId } = (await this.follow(job)).result as { predictionSetId: string };
    const file = await this.fetch('GET', `/predictions/${predictionSetId}/download?format=csv`);
    await writeFile(out, Buffer.from(await file.arrayBuffer()));
  }

  async close(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }
}
