import path from "node:path";
import {
  bodyOf,
  conditionOf,
  declarations,
  find,
  isExisting,
  literal,
  prop,
  props,
  typeOf,
  valueOf,
  type BicepFile,
  type Declaration,
} from "./bicep.js";
import type { Node } from "web-tree-sitter";

/** Built-in roles the monitor must never hold, whatever the scope. */
export const FORBIDDEN_ROLES: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
  // Control plane, but it can write access policies, which hand out secrets on policy-model vaults.
  "f25e0fa2-a7c8-4377-a976-54943a77a395": "Key Vault Contributor",
};

/** Key Vault data-plane roles (they read or manage secrets, keys, certificates or their metadata). */
export const KEY_VAULT_DATA_ROLES: Record<string, string> = {
  "00482a5a-887f-4fb3-b363-3b7fe8e74483": "Key Vault Administrator",
  "a4417e6f-fecd-4de8-b567-7b0420556985": "Key Vault Certificates Officer",
  "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba": "Key Vault Certificate User",
  "14b46e9e-c2b7-41b4-b07b-48a6ebf60603": "Key Vault Crypto Officer",
  "e147488a-f6f5-4113-8e2d-b22465e65bf6": "Key Vault Crypto Service Encryption User",
  "08bbd89e-9f13-488c-ac41-acfcb10c90ab": "Key Vault Crypto Service Release User",
  "12338af0-0e69-4776-bea7-57ae8d297424": "Key Vault Crypto User",
  "8b54135c-b56d-4d72-a534-26097cfdc8d8": "Key Vault Data Access Administrator",
  "21090545-7ca7-4776-b22c-e363652d74d2": "Key Vault Reader",
  "b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
  "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
};

export const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Grant {
  file: string;
  symbol: string;
  /** A built-in role GUID, or `custom:<file>` for a role defined in these templates. */
  role: string;
  /** Resource type of the assignment's scope, e.g. Microsoft.KeyVault/vaults/secrets@2023-07-01. */
  scopeType: string;
  scopeExisting: boolean;
  principalType: string | undefined;
  condition: string | undefined;
}

/** Every role assignment declared in the templates, with its role and scope resolved. */
export function grants(files: BicepFile[]): Grant[] {
  const out: Grant[] = [];
  for (const file of files) {
    for (const d of declarations(file)) {
      if (d.kind !== "resource" || isExisting(d) || !typeOf(d).startsWith("Microsoft.Authorization/roleAssignments@"))
        continue;
      const body = bodyOf(d);
      const scope = props(body).get("scope");
      const scopeSymbol = scope ? rootIdentifier(scope) : undefined;
      const scopeDecl = scopeSymbol ? find(file, "resource", scopeSymbol) : undefined;
      out.push({
        file: file.path,
        symbol: d.name,
        role: resolveRole(files, file, prop(body, "properties.roleDefinitionId")),
        scopeType: scopeDecl ? typeOf(scopeDecl) : `(scope ${scope?.text ?? "not set"})`,
        scopeExisting: scopeDecl ? isExisting(scopeDecl) : false,
        principalType: literal(prop(body, "properties.principalType")),
        condition: conditionOf(d),
      });
    }
  }
  return out;
}

/** `stateTables[i]` -> stateTables; `vault` -> vault. */
function rootIdentifier(n: Node): string | undefined {
  if (n.type === "identifier") return n.text;
  if (n.type === "subscript_expression") return n.namedChildren[0]?.text;
  return undefined;
}

function resolveRole(files: BicepFile[], file: BicepFile, n: Node | undefined): string {
  if (!n) return "(roleDefinitionId not set)";
  // subscriptionResourceId('Microsoft.Authorization/roleDefinitions', <guid or var>)
  if (n.type === "call_expression" && n.childForFieldName("function")?.text === "subscriptionResourceId") {
    const args = n.childForFieldName("arguments")?.namedChildren ?? [];
    return guidOf(file, args[args.length - 1]);
  }
  // A module parameter: follow it to the caller, which passes a role definition's ID.
  if (n.type === "identifier" && find(file, "param", n.text)) {
    const passed = argumentFromCaller(files, file, n.text);
    if (!passed) return `(unresolved ${n.text})`;
    const m = /^(\w+)!?\.outputs\.\w+$/.exec(passed.node.text);
    const definer = m?.[1] ? find(passed.caller, "module", m[1]) : undefined;
    const definerFile = definer && moduleFile(files, passed.caller, definer);
    if (
      definerFile &&
      declarations(definerFile).some(
        (d) => d.kind === "resource" && typeOf(d).startsWith("Microsoft.Authorization/roleDefinitions@"),
      )
    ) {
      return `custom:${definerFile.path}`;
    }
  }
  return `(unresolved ${n.text})`;
}

function guidOf(file: BicepFile, n: Node | undefined): string {
  const direct = literal(n);
  if (direct && GUID.test(direct)) return direct.toLowerCase();
  if (n?.type === "identifier") {
    const v = find(file, "var", n.text);
    const value = v && literal(valueOf(v));
    if (value && GUID.test(value)) return value.toLowerCase();
  }
  return `(unresolved ${n?.text ?? ""})`;
}

/** The file a local module declaration points to. */
export function moduleFile(files: BicepFile[], caller: BicepFile, m: Declaration): BicepFile | undefined {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(caller.path), typeOf(m)));
  return files.find((f) => f.path === target);
}

/** The expression a caller passes for one parameter of `callee`. */
export function argumentFromCaller(
  files: BicepFile[],
  callee: BicepFile,
  param: string,
): { caller: BicepFile; node: Node } | undefined {
  for (const caller of files) {
    for (const m of declarations(caller).filter((d) => d.kind === "module")) {
      if (moduleFile(files, caller, m) !== callee) continue;
      const node = prop(bodyOf(m), `params.${param}`);
      if (node) return { caller, node };
    }
  }
  return undefined;
}
