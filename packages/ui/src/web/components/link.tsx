import type { ComponentChildren, JSX } from 'preact';
import { isModifiedClick, navigate } from '../router.js';

export interface LinkProps extends Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'> {
  readonly href: string;
  readonly children?: ComponentChildren;
}

/** An `<a>` that moves within the app without reloading; a modified click stays a browser link. */
export function Link({ href, children, onClick, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        if (onClick) (onClick as (e: MouseEvent) => void)(event);
        if (event.defaultPrevented || isModifiedClick(event)) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
