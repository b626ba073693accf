//! A direct N-API entry for `createChatUserJwtToken`, the one synchronous hot path.
//!
//! napi-rs's generated method wrapper records every `&self` borrow in a global mutex-guarded
//! registry and looks the receiver's class up in another (about 0.2 µs per call, measured
//! with `perf`: `native_borrow::*` and `check_class_identity`), on top of the signing it
//! wraps (about 0.6 µs). This entry does the minimum N-API work safely instead: one
//! `napi_get_cb_info`, the class's type-tag check (the receiver is refused unless napi-rs
//! created it as an `EthoraSDKService`), `napi_unwrap`, one string read into a stack buffer
//! (any other id goes through the shared reader, as everywhere), and the token handed over as
//! Latin-1. It replaces the generated method on the prototype
//! when the addon loads; the generated one stays the declaration (and works the same way,
//! through the same `mint_client_token`).

use std::ptr;

use napi::bindgen_prelude::*;
use napi::sys;

use crate::errors::to_js_error;
use crate::EthoraSDKService;

/// The token for `user_id`, expiring as `options` say: the one implementation both entries
/// call. `options` is `None` when the call passed none (the hot path).
pub fn mint_client_token(
    service: &EthoraSDKService,
    user_id: Unknown,
    options: Option<Unknown>,
) -> ethora_core::Result<String> {
    let parameters = ethora_core::functions::CREATE_CHAT_USER_JWT_TOKEN;
    // The id first, then the options, both read before either refuses (as everywhere).
    let read_options = || crate::arguments::value(options, &parameters[1]);
    let minted = crate::with_id(user_id, &parameters[0], |id| {
        let options = read_options()?;
        let expires_in = ethora_core::functions::client_token_expiry(options.as_ref())?;
        Ok(service.client.expiring_client_token(id, expires_in))
    });
    match minted {
        Ok(minted) => minted,
        Err(refused_id) => {
            let _ = read_options();
            Err(refused_id)
        }
    }
}

/// Throws a `TypeError` with `message`; the callback then returns what this returns.
///
/// # Safety
/// `env` is the live environment of the current callback.
unsafe fn throw_type_error(env: sys::napi_env, message: &std::ffi::CStr) -> sys::napi_value {
    // SAFETY: `env` is the live environment of this callback; the message is NUL-terminated.
    unsafe { sys::napi_throw_type_error(env, ptr::null(), message.as_ptr()) };
    ptr::null_mut()
}

/// `EthoraSDKService.prototype.createChatUserJwtToken`.
unsafe extern "C" fn create_chat_user_jwt_token(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argc = 2usize;
    let mut argv = [ptr::null_mut(); 2];
    let mut this = ptr::null_mut();
    // SAFETY: all pointers are valid for the callback's duration; N-API fills missing
    // arguments with `undefined`.
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            &mut this,
            ptr::null_mut(),
        )
    };
    if status != sys::Status::napi_ok {
        // SAFETY: `env` is this callback's environment.
        return unsafe { throw_type_error(env, c"createChatUserJwtToken: invalid call") };
    }
    let tag = <EthoraSDKService as TypeTag>::type_tag();
    let mut is_service = false;
    // SAFETY: `this` and the tag are valid; a non-object receiver makes the call fail.
    let tagged = unsafe { sys::napi_check_object_type_tag(env, this, &tag, &mut is_service) };
    let mut wrapped: *mut std::ffi::c_void = ptr::null_mut();
    // SAFETY (both blocks): `this` is this call's receiver, checked to carry the class's tag
    // before it is unwrapped; `env` is this callback's environment.
    if tagged != sys::Status::napi_ok
        || !is_service
        || unsafe { sys::napi_unwrap(env, this, &mut wrapped) } != sys::Status::napi_ok
        || wrapped.is_null()
    {
        return unsafe { throw_type_error(env, c"Illegal invocation") };
    }
    // SAFETY: the type tag proves napi-rs wrapped an `EthoraSDKService` in `this`, and it
    // wraps a pointer to the value itself; `this` keeps it alive during this call, and no
    // method of the class takes `&mut self`.
    let service = unsafe { &*wrapped.cast::<EthoraSDKService>() };
    // SAFETY: N-API filled the first slot (with `undefined` when the call had no argument).
    let user_id = unsafe { Unknown::from_napi_value(env, argv[0]) };
    // SAFETY: N-API filled the second slot (with `undefined` when the call had no options).
    let options = (argc > 1).then(|| unsafe { Unknown::from_napi_value(env, argv[1]) });
    let minted = user_id
        .map_err(|_| ethora_core::EthoraError::validation("userId", ethora_core::calls::ID_RULE))
        .and_then(|user_id| {
            let options = options.transpose().map_err(|_| {
                ethora_core::EthoraError::validation("options", "must be an object")
            })?;
            mint_client_token(service, user_id, options)
        });
    match minted {
        // A JWT is ASCII: it crosses as Latin-1.
        // SAFETY: `env` is this callback's environment.
        Ok(token) => match unsafe { crate::convert::js_string(env, &token) } {
            Some(result) => result,
            // SAFETY: `env` is this callback's environment.
            None => unsafe {
                throw_type_error(env, c"createChatUserJwtToken: could not create the result")
            },
        },
        Err(error) => {
            let js_env = Env::from_raw(env);
            // SAFETY: `env` is this callback's environment.
            unsafe { JsError::from(to_js_error(&js_env, &error)).throw_into(env) };
            ptr::null_mut()
        }
    }
}

/// Puts the direct entry on `EthoraSDKService.prototype` (called when the addon loads).
pub fn install(exports: &Object, env: &Env) -> Result<()> {
    let class: Unknown = exports.get_named_property("EthoraSDKService")?;
    let mut prototype_raw = ptr::null_mut();
    // SAFETY: `class` is a live value of this environment; the name is NUL-terminated.
    check_status!(unsafe {
        sys::napi_get_named_property(
            env.raw(),
            class.raw(),
            c"prototype".as_ptr(),
            &mut prototype_raw,
        )
    })?;
    // SAFETY: a class's `prototype` is an object of this environment.
    let mut prototype = unsafe { Object::from_napi_value(env.raw(), prototype_raw)? };
    let name = "createChatUserJwtToken";
    let mut function = ptr::null_mut();
    // SAFETY: `env` is the loading environment; the callback has the N-API signature.
    check_status!(unsafe {
        sys::napi_create_function(
            env.raw(),
            name.as_ptr().cast(),
            name.len() as isize,
            Some(create_chat_user_jwt_token),
            ptr::null_mut(),
            &mut function,
        )
    })?;
    // SAFETY: `function` was just created in this environment.
    let function = unsafe { Unknown::from_napi_value(env.raw(), function)? };
    prototype.set_named_property(name, function)
}
