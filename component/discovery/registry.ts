/**
 * The discovery registry: the core of disco, without stanzas. Each feature
 * adds the identities and features it implements and answers for its own
 * nodes, so what the service advertises is exactly what is wired.
 *
 * References: XEP-0030 §3 (info), §4 (items), XEP-0128 (extended info).
 */
import type { DataForm } from "../forms/data-form.js";

export interface Identity {
  category: string;
  type: string;
  name?: string;
}

export interface DiscoInfo {
  identities: Identity[];
  features: string[];
  forms: DataForm[];
}

export interface DiscoItem {
  jid: string;
  node?: string;
  name?: string;
}

/** The one domain error of discovery. */
export type DiscoError = "item-not-found";

/** Answers info for the nodes it owns; undefined means "not my node". */
export type NodeInfoProvider = (node: string, requester: string) => MaybeAsync<DiscoInfo | DiscoError | undefined>;
/** Lists items for one node (undefined = the service itself). */
export type ItemsProvider = (requester: string) => MaybeAsync<DiscoItem[]>;
export type NodeItemsProvider = (node: string, requester: string) => MaybeAsync<DiscoItem[] | DiscoError | undefined>;
/** Providers that read the store answer async. */
type MaybeAsync<T> = T | Promise<T>;

export class DiscoRegistry {
  private readonly identities: Identity[] = [];
  private readonly features = new Set<string>();
  private readonly forms: (() => DataForm)[] = [];
  private readonly nodeInfo: NodeInfoProvider[] = [];
  private readonly rootItems: ItemsProvider[] = [];
  private readonly nodeItems: NodeItemsProvider[] = [];

  addIdentity(identity: Identity): void {
    this.identities.push(identity);
  }

  addFeature(...features: string[]): void {
    for (const f of features) this.features.add(f);
  }

  /** An XEP-0128 form on the service's own info; computed at each request. */
  addForm(form: () => DataForm): void {
    this.forms.push(form);
  }

  addNodeInfo(provider: NodeInfoProvider): void {
    this.nodeInfo.push(provider);
  }

  addItems(provider: ItemsProvider): void {
    this.rootItems.push(provider);
  }

  addNodeItems(provider: NodeItemsProvider): void {
    this.nodeItems.push(provider);
  }

  async info(node: string | undefined, requester: string): Promise<DiscoInfo | DiscoError> {
    if (node === undefined) {
      return {
        identities: [...this.identities],
        features: [...this.features].sort(),
        forms: this.forms.map((f) => f()),
      };
    }
    for (const provider of this.nodeInfo) {
      const answer = await provider(node, requester);
      if (answer !== undefined) return answer;
    }
    return "item-not-found";
  }

  async items(node: string | undefined, requester: string): Promise<DiscoItem[] | DiscoError> {
    if (node === undefined) return (await Promise.all(this.rootItems.map((p) => p(requester)))).flat();
    for (const provider of this.nodeItems) {
      const answer = await provider(node, requester);
      if (answer !== undefined) return answer;
    }
    return "item-not-found";
  }
}
