// Minimal typings for the parts of xmpp.js (0.13 component, 0.14 client) that XSMTP uses.
// xmpp.js ships no TypeScript declarations.

declare module "@xmpp/xml" {
  namespace xml {
    type Node = Element | string;
    class Element {
      constructor(name: string, attrs?: Record<string, string | number | undefined>);
      name: string;
      attrs: Record<string, string | undefined>;
      children: Node[];
      parent: Element | null;
      is(name: string, xmlns?: string): boolean;
      getNS(): string | undefined;
      getChild(name: string, xmlns?: string): Element | undefined;
      getChildren(name: string, xmlns?: string): Element[];
      getChildElements(): Element[];
      getChildText(name: string, xmlns?: string): string | null;
      getText(): string;
      text(): string;
      append(...children: (Node | undefined)[]): this;
      c(name: string, attrs?: Record<string, string | undefined>): Element;
      t(text: string): this;
      up(): Element;
      root(): Element;
      toString(): string;
    }
    class Parser {
      write(data: string): void;
      end(data?: string): void;
      on(event: string, listener: (...args: any[]) => void): this;
    }
  }
  namespace xml {
    function escapeXML(text: string): string;
    function escapeXMLText(text: string): string;
  }
  function xml(
    name: string,
    attrs?: Record<string, string | number | undefined> | null,
    ...children: (xml.Node | xml.Node[] | undefined | null | false)[]
  ): xml.Element;
  export = xml;
}

declare module "@xmpp/xml/lib/parse.js" {
  import xml from "@xmpp/xml";
  function parse(data: string): xml.Element;
  export = parse;
}

declare module "@xmpp/component" {
  import xml from "@xmpp/xml";
  import { EventEmitter } from "node:events";

  interface MiddlewareContext {
    stanza: xml.Element;
    element?: xml.Element;
    name: string;
    type: string;
    id: string;
    from: { toString(): string; bare(): { toString(): string } } | null;
    to: { toString(): string } | null;
  }
  type Middleware = (ctx: MiddlewareContext, next: () => Promise<unknown>) => unknown;

  interface Component extends EventEmitter {
    status: string;
    jid: { toString(): string } | null;
    options: { service: string; domain: string };
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    connect(service: string): Promise<unknown>;
    open(options: { domain: string }): Promise<unknown>;
    disconnect(timeout?: number): Promise<unknown>;
    send(element: xml.Element): Promise<void>;
    reconnect: EventEmitter & { stop(): void; start(): void; delay: number };
    middleware: { use(fn: Middleware): void; filter(fn: Middleware): void };
    iqCaller: { request(element: xml.Element, timeout?: number): Promise<xml.Element> };
    iqCallee: {
      get(ns: string, name: string, handler: (ctx: MiddlewareContext) => unknown): void;
      set(ns: string, name: string, handler: (ctx: MiddlewareContext) => unknown): void;
    };
  }
  export function component(options: { service: string; domain: string; password: string }): Component;
  export const xml: typeof import("@xmpp/xml");
}

declare module "@xmpp/client" {
  import xml from "@xmpp/xml";
  import { EventEmitter } from "node:events";
  interface Client extends EventEmitter {
    status: string;
    jid: { toString(): string; bare(): { toString(): string } } | null;
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: xml.Element): Promise<void>;
    iqCaller: {
      request(element: xml.Element, timeout?: number): Promise<xml.Element>;
      get(element: xml.Element, to?: string, timeout?: number): Promise<xml.Element>;
      set(element: xml.Element, to?: string, timeout?: number): Promise<xml.Element>;
    };
    reconnect: EventEmitter & { stop(): void };
  }
  export function client(options: {
    service: string;
    domain?: string;
    username?: string;
    password?: string;
    resource?: string;
    credentials?: unknown;
  }): Client;
  export const xml: typeof import("@xmpp/xml");
}
